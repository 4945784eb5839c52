"""Places and organizations named in project text, with a spaCy rule pipeline.

``pipeline()`` is ``spacy.blank("zh")`` with the jieba segmenter (offline), a
``span_ruler`` whose phrase patterns are data (``loaders/data/entity_patterns.jsonl``,
spaCy's pattern format: label PLACE or ORG, the pattern, and the canonical name
as ``id``), and ``policykg_citations``, which marks 《titles》 and 文号 found by
regular expressions on ``doc.text`` (jieba splits on 《》〔〕, so token patterns
cannot see them) as spans with ``doc.char_span``. A new place or organization
is a line in the data file, not code.

Only sentences that contain a pattern's text (a cheap regular expression built
from the same data) go through spaCy, so large corpora stay fast.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from policykg.loaders.citations import TextSpan, find_citations, join_lines
from policykg.loaders.records import Mention

_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


@lru_cache(maxsize=1)
def patterns() -> list[dict[str, str]]:
    """The entity patterns of ``loaders/data/entity_patterns.jsonl`` (comment lines skipped)."""
    text = resources.files("policykg.loaders").joinpath("data/entity_patterns.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [r for r in rows if "pattern" in r]


@lru_cache(maxsize=1)
def _prefilter() -> re.Pattern[str]:
    words = sorted({p["pattern"] for p in patterns()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The spaCy pipeline (built once): blank zh + jieba, span_ruler, policykg_citations."""
    import logging

    import jieba
    import spacy
    from spacy.language import Language

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading notes are not ours to print
    for row in patterns():
        # Keep every pattern one jieba word, so that context ("九城巡礼") cannot split it differently.
        jieba.add_word(row["pattern"], freq=100000)

    if not Language.has_factory("policykg_citations"):
        @Language.component("policykg_citations")
        def policykg_citations(doc: Any) -> Any:
            spans = []
            for citation in find_citations(TextSpan(doc.text, (0,), (1,)), legal_basis=False):
                start = doc.text.find(citation.text)
                span = doc.char_span(start, start + len(citation.text), label="DOCNUMBER" if citation.doc_number and not citation.title else "TITLE",
                                     alignment_mode="expand") if start >= 0 else None
                if span is not None:
                    spans.append(span)
            doc.spans["citations"] = spans
            return doc

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler: Any = nlp.add_pipe("span_ruler", config={"spans_key": "mentions", "overwrite": True})
    ruler.add_patterns([{"label": p["label"], "pattern": p["pattern"], "id": p["id"]} for p in patterns()])
    nlp.add_pipe("policykg_citations")
    return nlp


def find_mentions(lines: list[tuple[int, str]], own: tuple[str | None, ...] = ()) -> list[Mention]:
    """Places and organizations in ``lines`` ((1-based line, cleaned text)), in text order.

    Wrapped lines are joined first. Names inside 《》 (a cited title) and the
    project's ``own`` organizations (department, implementing unit — written
    in full or by a short form the patterns know) are not mentions. Overlapping
    matches keep the longest (上海证券交易所, not 上海). Returns one Mention per
    occurrence; ``name`` is the text as written.
    """
    found: list[Mention] = []
    span_text = join_lines(lines)
    text = re.sub(r"《[^《》]*》", lambda m: " " * len(m.group(0)), span_text.text)
    for name in filter(None, own):
        text = text.replace(name, " " * len(name))
    own_ids = {p["id"] for p in patterns() if any(name and (p["id"] == name or name.endswith(p["id"])) for name in own)}
    candidates = [(s.start(), s.group(0)) for s in _SENTENCE.finditer(text) if _prefilter().search(s.group(0))]
    if not candidates:
        return found
    nlp = pipeline()
    for (offset, _), doc in zip(candidates, nlp.pipe(t for _, t in candidates), strict=True):
        spans = sorted(doc.spans["mentions"], key=lambda s: (s.start_char, -(s.end_char - s.start_char)))
        end = -1
        for span in spans:
            if span.start_char < end:
                continue
            end = span.end_char
            if span.id_ in own_ids:
                continue
            found.append(Mention("place" if span.label_ == "PLACE" else "organization", span.text,
                                 span_text.line_at(offset + span.start_char), span.id_))
    return found
