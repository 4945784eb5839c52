"""Fuzzing with a small budget: mutated seed and dev forms give a Document or a PolicyKGError, nothing else.

The mutations and the long run (10,000 inputs, figures in bench/results.md) are in ``bench/fuzz.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from bench.fuzz import SOURCES, mutated
from policykg.loaders import Document, load
from policykg.loaders.errors import PolicyKGError
from tests.conftest import SEEDS


def test_the_sources_are_the_seeds_and_the_dev_forms_present() -> None:
    assert {p.name for p in SEEDS.glob("*.txt")} <= {p.name for p in SOURCES}
    dev_forms = SEEDS.parent.parent / "shared" / "forms" / "docs"
    assert len(SOURCES) == len(list(SEEDS.glob("*.txt"))) + len(list(dev_forms.glob("*.txt")))


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_a_mutated_form_is_read_or_refused_with_a_message(case: tuple[Path, bytes, str]) -> None:
    source, data, done = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / source.name
        path.write_bytes(data)
        try:
            document = load(path)
        except PolicyKGError as exc:
            assert str(exc).startswith(str(path)), (done, str(exc))  # the message names the file
            return
        assert isinstance(document, Document)
