"""Shared helpers for the tests over real forms of other localities (tests/forms, see its README)."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from policykg.loaders.labels import simplified

FORMS = Path(__file__).resolve().parent.parent / "forms"
DOCS = FORMS / "docs"
GOLD = FORMS / "gold"
NAMES = sorted(p.stem for p in DOCS.glob("*.txt"))
_PINYIN = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ]{1,8}\)")


def gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


def norm(text: object) -> str:
    """Compare as a reader would: NFKC, no whitespace or pinyin glosses, simplified characters, 文号 brackets alike."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = _PINYIN.sub("", re.sub(r"\s+", "", s)).strip("《》\"“”'")
    s = s.translate(str.maketrans({"[": "〔", "]": "〕", "﹝": "〔", "﹞": "〕", "【": "〔", "】": "〕"}))
    return simplified(s)


def same(a: str, b: str) -> bool:
    """Names match exactly, or one contains the other when both have 4+ characters (as the forms' README counts)."""
    return bool(a) and bool(b) and (a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)))


def yuan(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value)).normalize()
