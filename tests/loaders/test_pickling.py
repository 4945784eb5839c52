"""The records' pickled state (what the build cache stores) read back whole, through ``fast_pickling``."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from policykg.loaders import load
from policykg.loaders.pickling import fast_pickling
from policykg.loaders.records import Amount, Document

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize("path", sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".tsv")), ids=str)
def test_seed_records_read_back_equal(path: Path) -> None:
    document = load(path)
    again = pickle.loads(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(again, Document)
    assert again == document


def test_state_is_the_fields_in_order_and_old_list_state_still_reads() -> None:
    amount = Amount(Decimal("5300000"), "530.00万元", 12)
    assert amount.__getstate__() == (Decimal("5300000"), "530.00万元", 12)  # type: ignore[attr-defined]
    fresh = Amount.__new__(Amount)
    fresh.__setstate__([Decimal("1"), "1元", 3])  # type: ignore[attr-defined]  # the dataclass module's list form
    assert fresh == Amount(Decimal("1"), "1元", 3)


def test_read_back_records_stay_frozen() -> None:
    amount = pickle.loads(pickle.dumps(Amount(Decimal("1"), "1元", 3)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        amount.line = 4  # type: ignore[misc]


def test_a_state_of_the_wrong_length_is_an_error() -> None:
    fresh = Amount.__new__(Amount)
    with pytest.raises(ValueError):
        fresh.__setstate__((Decimal("1"), "1元"))  # type: ignore[attr-defined]


def test_only_slotted_dataclasses() -> None:
    @dataclasses.dataclass(frozen=True)
    class Plain:
        x: int

    with pytest.raises(TypeError, match="slots=True"):
        fast_pickling(Plain)
