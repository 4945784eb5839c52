"""Policy citations in project text: 《title》 and 文号 (document numbers).

Titles are the text between 《》; a 文号 is 发文机关代字 + 〔year〕 + number + 号
(GB/T 9704-2012). A 文号 in brackets right after a title belongs to it
(《关于…的实施意见》（沪松府〔2017〕120号）). Prefixes are resolved against the
reference table ``loaders/data/docnumber_prefixes.tsv`` so that the body
named before a prefix ("国家外国专家局外专发【2017】161号") is not taken for it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders.records import Citation
from policykg.loaders.text import data_table, normalize_brackets

_TITLE = re.compile(r"《(?P<title>[^《》]{2,120})》")
_DOCNUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12})\s*(?P<open>[〔\[【﹝(（])\s*(?P<year>(?:19|20)\d{2})\s*[〕\]】﹞)）]"
    r"\s*(?P<mid>[\u4e00-\u9fff]{0,3}?)\s*第?\s*(?P<num>\d{1,4})\s*号"
)
# "《建设方案》指出要：“……”", "《…》要求，“……”、“……”": the requirement a document quotes from a policy.
_QUOTE_LEAD = re.compile(r"^[)）]?\s*(?:的明确要求。)?\s*(?:指出|要求|提出|明确要求|明确|规定|强调)[^“”\"《》。]{0,16}?[“\"]")
# Words that end the text before a 文号 prefix when the prefix is not in the table.
_BOUNDARY = re.compile(r".*[和及与据照的为了在即由、对按件]")  # 件: …文件办〔2020〕5号


@dataclass(frozen=True, slots=True)
class Issuer:
    prefix: str
    name: str
    name_en: str


@lru_cache(maxsize=1)
def docnumber_prefixes() -> dict[str, Issuer]:
    """The 文号 prefix table (prefix -> Issuer), read from ``loaders/data``."""
    return {r["prefix"]: Issuer(r["prefix"], r["issuer"], r["issuer_en"])
            for r in data_table("policykg.loaders", "docnumber_prefixes.tsv")}


def issuer_of(doc_number: str) -> Issuer | None:
    """The issuing body of a normalized 文号, by its longest known prefix; ``None`` if unknown."""
    prefix = re.split(r"[〔(]", doc_number, maxsplit=1)[0]
    return docnumber_prefixes().get(prefix)


def normalize_title(title: str) -> str:
    """Canonical form of a cited title: no spaces, no 《》, brackets as NFKC left them."""
    return re.sub(r"\s+", "", title).strip("《》 ")


def normalize_docnumber(prefix: str, year: str, mid: str, num: str, bracket: str = "〔") -> str:
    """``沪松府`` ``2017`` ``''`` ``120`` -> ``沪松府〔2017〕120号``. The year's brackets are 〔〕 for every 文号
    bracket (``[] 【】 ﹝﹞ 〔〕``); round ones (``bracket`` ``(`` or ``（``) stay round, as written:
    ``鲁财科教(2024)67号`` (round brackets are not 文号 brackets, and the document did not write 〔〕)."""
    if bracket in "(（":
        return f"{prefix}({year}){mid}{num}号"
    return normalize_brackets(f"{prefix}〔{year}〕{mid}{num}号")


def _resolve_prefix(run: str) -> str:
    """The 文号 prefix at the end of a run of CJK characters."""
    known = docnumber_prefixes()
    for start in range(len(run)):
        if run[start:] in known:
            return run[start:]
    cut = _BOUNDARY.match(run)
    rest = run[cut.end():] if cut else run
    return rest[-6:] if len(rest) > 6 else rest


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Text joined from consecutive lines, mapping offsets back to 1-based lines."""

    text: str
    starts: tuple[int, ...]  # offset where each line's text begins
    lines: tuple[int, ...]  # the 1-based line of each part

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]


def join_lines(parts: list[tuple[int, str]]) -> TextSpan:
    """Join wrapped lines (no separator: PDF text wraps mid-word) keeping line provenance."""
    text, starts, lines = "", [], []
    for line, part in parts:
        starts.append(len(text))
        lines.append(line)
        text += part
    return TextSpan(text, tuple(starts), tuple(lines))


def find_citations(span: TextSpan, *, legal_basis: bool) -> list[Citation]:
    """Every 《title》 and 文号 in ``span``, pairing a 文号 with the title it belongs to.

    A 文号 belongs to a title when it follows it directly or inside the bracket
    that follows it (《…方案》（…发布沪府办发〔2016〕47号文…）), or when it comes
    just before it (外专发【2017】161号文件《…》). A title whose 《 was lost
    (…、松江区产业创新集群试点认定管理办法》) starts after the previous separator.
    Returns: Citations in text order, ``legal_basis`` set as given (True for
    text of 立项依据); other titles and 文号 stand alone.
    """
    text = span.text
    numbers = []
    for m in _DOCNUMBER.finditer(text):
        prefix = _resolve_prefix(m.group("prefix"))
        start = m.start("prefix") + len(m.group("prefix")) - len(prefix)
        numbers.append((start, m.end(), normalize_docnumber(prefix, m.group("year"), m.group("mid"), m.group("num"),
                                                                  m.group("open"))))
    titles = [(m.start(), m.end(), normalize_title(m.group("title"))) for m in _TITLE.finditer(text)]
    titles += _orphan_titles(text)
    titles.sort()
    found: list[tuple[int, Citation]] = []
    used: set[int] = set()
    for t_start, t_end, title in titles:
        paired = None
        for k, (n_start, n_end, number) in enumerate(numbers):
            if k in used or n_start < t_end:
                continue
            gap = text[t_end:n_start]
            if re.fullmatch(r"\s*[(（]?\s*", gap) or re.fullmatch(r"\s*[(（][^()（）《》]{0,80}", gap):
                paired = (k, n_start, n_end, number, t_start)
            break
        if paired is None:
            for k, (n_start, n_end, number) in enumerate(numbers):
                if k not in used and n_end <= t_start and re.fullmatch(r"\s*(?:文件|文)?\s*", text[n_end:t_start]):
                    paired = (k, n_start, n_end, number, n_start)
        if paired:
            k, n_start, n_end, number, start = paired
            used.add(k)
            written = text[min(t_start, n_start):max(t_end, n_end)]
            found.append((start, Citation(title, number, span.line_at(start), legal_basis, written, _quote(text, max(t_end, n_end)))))
        else:
            found.append((t_start, Citation(title, None, span.line_at(t_start), legal_basis, text[t_start:t_end],
                                            _quote(text, t_end))))
    for k, (n_start, n_end, number) in enumerate(numbers):
        if k not in used and not _inside_title(text, n_start):
            found.append((n_start, Citation(None, number, span.line_at(n_start), legal_basis, text[n_start:n_end])))
    return [c for _, c in sorted(found, key=lambda pair: pair[0])]


def _orphan_titles(text: str) -> list[tuple[int, int, str]]:
    """Titles whose opening 《 is missing: the text after the last separator before a lone 》."""
    found = []
    for m in re.finditer("》", text):
        before = text[:m.start()]
        if before.rfind("《") > before.rfind("》"):
            continue
        start = max(before.rfind(ch) for ch in "、，,。；;：:()（）》\n") + 1
        title = normalize_title(text[start:m.start()])
        if len(title) >= 4 and re.search(r"[\u4e00-\u9fff]{4}", title):
            found.append((start, m.end(), title))
    return found


def _quote(text: str, end: int) -> str | None:
    """The requirement quoted right after a citation, several quotes joined; ``None`` if there is none.

    Handles “…” and the plain "…" of OCR text, and several quotes in a row (“…”、“…”).
    """
    lead = _QUOTE_LEAD.match(text[end:end + 40])
    if not lead:
        return None
    position = end + lead.end() - 1
    parts = []
    while True:
        m = re.compile(r"[“\"](?P<q>[^“”\"]*)[”\"]").match(text, position)
        if not m:
            break
        parts.append(m.group("q").strip())
        gap = re.compile(r"\s*[、，,和及]\s*(?=[“\"])").match(text, m.end())
        if not gap:
            break
        position = gap.end()
    return "".join(p for p in parts if p) or None


def _inside_title(text: str, offset: int) -> bool:
    before = text[:offset]
    return before.rfind("《") > before.rfind("》")
