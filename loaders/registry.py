"""The layouts policykg reads, and how a file's layout is recognized.

Each layout is one module with ``detect(source) -> reason | None`` and
``load(source) -> Document``; adding a layout adds a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from loaders import declaration_text, declaration_tsv, self_evaluation_tsv
from loaders.records import Document
from loaders.text import Source

LAYOUTS: dict[str, ModuleType] = {
    self_evaluation_tsv.LAYOUT: self_evaluation_tsv,
    declaration_tsv.LAYOUT: declaration_tsv,
    declaration_text.LAYOUT: declaration_text,
}


def detect(source: Source) -> tuple[str, str] | None:
    """The layout of ``source`` and why: (layout name, reason); ``None`` when none fits."""
    for name, module in LAYOUTS.items():
        reason = module.detect(source)
        if reason:
            return name, reason
    return None


def loader(name: str) -> Callable[[Source], Document]:
    """The ``load`` function of a layout by its registry name."""
    return LAYOUTS[name].load  # type: ignore[no-any-return]
