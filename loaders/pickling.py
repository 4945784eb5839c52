"""Fast pickling for the frozen, slotted dataclasses the loaders return.

The build cache stores every document's records as a pickle (``graph.run.cache``), and a build with
nothing changed un-pickles all of them: 4,000 documents are about 600,000 records. For a frozen dataclass
with ``slots=True`` the standard library's ``__setstate__`` looks the class's fields up again for every
record and sets each one through ``object.__setattr__``; ``fast_pickling`` puts in its place a
``__setstate__`` that sets the slots through their descriptors, taken once per class, and a
``__getstate__`` giving the same state (the field values in field order, as a tuple).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def fast_pickling(cls: type[T]) -> type[T]:
    """Class decorator, placed above ``@dataclass(frozen=True, slots=True)``: the same pickled state (field
    values in field order), read and written with the field list taken once. Returns ``cls`` itself.
    Raises: TypeError for a class that is not a dataclass with slots."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    if not hasattr(cls, "__slots__") or any(not hasattr(cls.__dict__.get(n), "__set__") for n in names):
        raise TypeError(f"{cls.__name__}: fast_pickling needs a dataclass with slots=True")
    setters: tuple[Callable[[Any, Any], None], ...] = tuple(cls.__dict__[n].__set__ for n in names)
    if len(names) == 1:
        single = operator.attrgetter(names[0])

        def getstate(self: Any) -> tuple[Any, ...]:
            return (single(self),)
    else:
        many = operator.attrgetter(*names)

        def getstate(self: Any) -> tuple[Any, ...]:
            return many(self)

    def setstate(self: Any, state: tuple[Any, ...] | list[Any]) -> None:
        for put, value in zip(setters, state, strict=True):
            put(self, value)

    cls.__getstate__ = getstate  # type: ignore[method-assign]
    cls.__setstate__ = setstate  # type: ignore[attr-defined]
    return cls
