"""Modules imported on first use, so that a command pays only for what it runs.

``lazy("policykg.graph.answers.analysis")`` returns the module object at once (and puts it in
``sys.modules``); its code runs when one of its attributes is first read
(``importlib.util.LazyLoader``, the standard library's recipe). The command
line uses it for modules that only some commands need (networkx behind
``analyze``, the SPARQL store behind ``query``), so that ``policykg build``
starts without them.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name`` (dotted), loaded when first used; an already imported module is returned as is.

    Raises: ModuleNotFoundError when no such module exists (checked now, not at first use).
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
