"""Metamorphic tests: the same form with other separators or characters gives the same records.

Each form of tests/forms is cut into its cells (the reader's own split of each line), then written again
with tabs, with ``|`` pipes, one cell per line, one cell per paragraph, with labels glued to their values,
in traditional characters (OpenCC s2t), with full-width digits, with 主管单位 for 主管部门, with a site's page
around it, with short labels spaced out (项 目 名 称), and as DOCX, HTML, XLSX and PDF files. Names, money and indicators must not change; lines may.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import opencc
import pytest

from policykg.loaders import load
from policykg.loaders.form import _is_known, _split_line
from policykg.loaders.records import Document
from tests.loaders.forms_common import DOCS, NAMES, norm

_S2T = opencc.OpenCC("s2t")


def _cells(text: str) -> list[list[str]]:
    return [[c for c in _split_line(line) if c.strip()] for line in text.split("\n")]


def _tabs(text: str) -> str:
    return "\n".join("\t".join(row) for row in _cells(text))


def _pipes(text: str) -> str:
    return "\n".join(" | ".join(row) + (" |" if row else "") for row in _cells(text))


def _traditional(text: str) -> str:
    return str(_S2T.convert(text))


def _full_width_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _unit_for_department(text: str) -> str:
    return text.replace("主管部门", "主管单位")  # 甘肃 and other templates write 主管单位 (及代码)


def _page_furniture(text: str) -> str:
    """The form saved with a government site's page around it: breadcrumbs, publishing metadata and font controls
    above, the site's footer below (the shapes of the pages in tests/forms, with invented values)."""
    above = ("首页 > 政务公开 > 财政资金\n发布时间：2023-05-06 10:21:33 浏览次数：128\n"
             "【字体：大 中 小】 打印本页\n")
    below = "\n扫一扫在手机打开当前页\n主办单位：某某市人民政府办公室 网站标识码：3400000001\n"
    return above + text + below


def _spaced_labels(text: str) -> str:
    """Each short label cell spaced out by the export, one space between its characters (项 目 名 称)."""
    return "\n".join("\t".join(" ".join(c) if _is_known(c) and len(c) <= 6 and not re.search(r"[\d(（]", c) else c
                               for c in row) for row in _cells(text))


def _per_line(text: str) -> str:
    return "\n".join(cell for row in _cells(text) for cell in row)


def _per_paragraph(text: str) -> str:
    return "\n\n".join(cell for row in _cells(text) for cell in row)


def _labels_glued(text: str) -> str:
    """Each label, head or level name glued to the cells beside it (``项目名称某项目主管部门某局``,
    ``本年度申请资金(万元)282.92``), other cells tab-separated: an export that drops the separators around labels."""
    out = []
    for row in _cells(text):
        line = row[0] if row else ""
        for previous, cell in zip(row, row[1:], strict=False):
            line += ("" if _is_known(cell) or _is_known(previous) else "\t") + cell
        out.append(line)
    return "\n".join(out)


def records(doc: Document) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for p in doc.projects:
        money = tuple(getattr(p.funds, f).yuan if getattr(p.funds, f) else None
                      for f in ("total", "annual", "initial", "adjusted", "executed"))
        inds = tuple((norm(i.name), norm(i.target.text if i.target else None), norm(i.actual.text if i.actual else None),
                      norm(i.level1), norm(i.level2)) for i in p.indicators)
        out.append((norm(p.name), norm(p.department), money, inds, tuple(sorted(norm(c.doc_number or c.title)
                                                                           for c in p.citations))))
    return out


# One cell per line or paragraph applies to every form but these, where cutting each line at its spaces
# makes cells the form never had:
STREAM_EXCEPTIONS = {
    # narratives whose sentences have spaces between words and numbers (40 万元): cut there, a sentence is no cell
    "03_anhui-xuanzhou-kjj-kepu-narrative-2025-trad", "11_anhui-ningguo-wlj-feiyi-narrative-2023",
    # a self-evaluation whose rows are told apart only by their lines (values of a row stand on its line)
    "24_shanxi-jishan-wjt-gongwei-selfeval-2021",
}
ROW_SAFE: dict[str, Callable[[str], str]] = {"tabs": _tabs, "pipes": _pipes, "traditional": _traditional,
                                             "full-width-digits": _full_width_digits,
                                             "主管单位": _unit_for_department, "page-furniture": _page_furniture,
                                             "spaced-labels": _spaced_labels}
STREAM: dict[str, Callable[[str], str]] = {"per-line": _per_line, "per-paragraph": _per_paragraph}
STREAM_FORMS = [name for name in NAMES if name not in STREAM_EXCEPTIONS]


def _same_records(tmp_path: Path, name: str, rewrite: Callable[[str], str]) -> None:
    original = (DOCS / f"{name}.txt").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.txt"
    path.write_text(rewrite(original), encoding="utf-8")
    assert records(load(path)) == records(load(DOCS / f"{name}.txt"))


# Labels as other templates write them (form_labels.tsv), put in place of a whole label cell: the records must not
# change (the form's cells re-cut with tabs on both sides).
LABEL_VARIANTS = {"项目名称": ("项目全称", "资金名称", "申报项目名称", "项目支出名称"),
                  "主管部门": ("预算部门", "主管单位", "地方主管部门", "区县主管部门"),
                  "实施单位": ("项目实施单位", "资金使用单位")}
_VARIED = [(name, label, other) for name in NAMES for label, others in LABEL_VARIANTS.items() for other in others
           if any(c == label for row in _cells((DOCS / f"{name}.txt").read_text(encoding="utf-8")) for c in row)]


@pytest.mark.parametrize(("name", "label", "other"), _VARIED)
def test_labels_of_other_templates_give_the_same_records(tmp_path: Path, name: str, label: str, other: str) -> None:
    rows = _cells((DOCS / f"{name}.txt").read_text(encoding="utf-8"))
    written = tmp_path / "written.txt"
    written.write_text("\n".join("\t".join(row) for row in rows), encoding="utf-8")
    varied = tmp_path / "varied.txt"
    varied.write_text("\n".join("\t".join(other if c == label else c for c in row) for row in rows), encoding="utf-8")
    assert records(load(varied)) == records(load(written))


# Comparators as forms write them: ASCII (>= <=), look-alikes (≧ ≦), full width (＞＝ ＜＝). The targets' texts
# change with them; what they say (comparator and number) and every name must not.
COMPARATORS: dict[str, dict[str, str]] = {"ascii": {"≥": ">=", "≤": "<="}, "look-alike": {"≥": "≧", "≤": "≦"},
                                          "full-width": {"≥": "＞＝", "≤": "＜＝"}}
_AS_GE = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "＞＝": "≥", "＜＝": "≤"}


def _targets(doc: Document) -> list[tuple[object, ...]]:
    def name(text: str) -> str | None:
        for written, op in _AS_GE.items():
            text = text.replace(written, op)
        return norm(text)
    return [(norm(p.name), tuple((name(i.name), i.target.comparator if i.target else None,
                                  i.target.value if i.target else None) for i in p.indicators)) for p in doc.projects]


@pytest.mark.parametrize("how", sorted(COMPARATORS))
@pytest.mark.parametrize("name", NAMES)
def test_comparators_written_otherwise_say_the_same(tmp_path: Path, name: str, how: str) -> None:
    text = (DOCS / f"{name}.txt").read_text(encoding="utf-8")
    for written, other in COMPARATORS[how].items():
        text = text.replace(written, other)
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    assert _targets(load(path)) == _targets(load(DOCS / f"{name}.txt"))


# The same form as a file of another format: its rows (cut into cells as above) written by bench.office_files as
# DOCX / HTML tables and paragraphs, a sheet, or a ruled PDF, read back through loaders.readers.
FILE_FORMATS = ("docx", "html", "xlsx", "pdf")
PDF_EXCEPTIONS = {
    # rows of one paragraph far wider than the page: the test's PDF writer draws them in pieces, which the PDF
    # reader takes for the cells of a table row
    "04_anhui-xuancheng-nyj-dongwufangyi-selfeval-2023-trad", "05_anhui-xuancheng-nyj-dongwufangyi-selfeval-2024-trad",
    "08_anhui-yeji-wlt-narrative-2025", "24_shanxi-jishan-wjt-gongwei-selfeval-2021",
}


@pytest.mark.parametrize(("name", "fmt"), [(name, fmt) for name in NAMES for fmt in FILE_FORMATS
                                           if not (fmt == "pdf" and name in PDF_EXCEPTIONS)])
def test_other_file_formats_give_the_same_records(tmp_path: Path, name: str, fmt: str) -> None:
    from bench import office_files

    form = office_files.text_form(_tabs((DOCS / f"{name}.txt").read_text(encoding="utf-8")))
    writers = {"docx": office_files.docx_bytes, "html": office_files.html_bytes, "xlsx": office_files.xlsx_bytes}
    data = office_files.pdf_bytes((form,))[0] if fmt == "pdf" else writers[fmt]((form,))
    path = tmp_path / f"{name}.{fmt}"
    path.write_bytes(data)
    assert records(load(path)) == records(load(DOCS / f"{name}.txt"))


@pytest.mark.parametrize("how", sorted(ROW_SAFE))
@pytest.mark.parametrize("name", NAMES)
def test_other_separators_and_script_give_the_same_records(tmp_path: Path, name: str, how: str) -> None:
    _same_records(tmp_path, name, ROW_SAFE[how])


# Labels glued to their values apply to every form but these, where the cut and glued cells are not the form's:
GLUED_EXCEPTIONS = {
    # a 二级 label before a name that starts with a digit (时效指标2022年底之前): no reader can tell where it ends
    "02_anhui-huoqiu-kjj-selfeval-2022",
    # labels printed with a space inside (项 目, 生态效益 指标): cut at it, each half is glued to another cell
    "13_guangdong-dongguan-jtj-decl-2019", "15_hunan-xiangyin-jyj-youeryuan-decl-2022",
    "24_shanxi-jishan-wjt-gongwei-selfeval-2021",  # rows told apart only by their lines, as above
}


@pytest.mark.parametrize("name", [name for name in NAMES if name not in GLUED_EXCEPTIONS])
def test_labels_glued_to_their_values_give_the_same_records(tmp_path: Path, name: str) -> None:
    _same_records(tmp_path, name, _labels_glued)


@pytest.mark.parametrize("how", sorted(STREAM))
@pytest.mark.parametrize("name", STREAM_FORMS)
def test_one_cell_per_line_or_paragraph_gives_the_same_records(tmp_path: Path, name: str, how: str) -> None:
    _same_records(tmp_path, name, STREAM[how])
