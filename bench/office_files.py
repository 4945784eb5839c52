"""Forms written the way offices publish them: DOCX, XLSX, XLS, HTML, ruled PDF, scans — and as tab-separated text.

Used by ``tests/loaders/readers/test_readers.py`` (fixtures in ``tmp_path``) and by
``bench/readers.py``. A form is a list of blocks: a ``str`` is a paragraph
outside tables, a ``Table`` a grid of cells in which ``LEFT`` marks a position
covered by the merged cell to its left and ``UP`` one covered by the cell
above; ``Num`` / ``Pct`` cells are written as spreadsheet numbers (the text is
what the cell shows). ``text_lines`` is the text version: one line per
paragraph or table row, covered positions empty, cells joined by tabs.

The two forms re-create a 项目支出绩效目标申报表 in the manner of
``shared/forms/docs/18`` (Guangyuan Zhaohua 2021: 项目名称 / 主管部门 / 实施单位 /
项目资金 / 绩效指标) and a 财政项目支出绩效自评表 in the manner of the Songjiang
seed ``seeds/003`` (with a float execution amount, 387664.62 yuan).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEFT = "<"
UP = "^"


class Num(str):
    """A number cell: the text is what the cell shows, the spreadsheet holds the number."""


class Pct(str):
    """A percent cell (``83%``): the spreadsheet holds 0.83 with a ``0%`` number format."""


@dataclass(frozen=True)
class Table:
    """A table; for the PDF, ``break_after`` rows go on one page and ``repeat_header`` rows start the next."""

    grid: tuple[tuple[str, ...], ...]
    repeat_header: int = 0
    break_after: int | None = None

    @property
    def width(self) -> int:
        return max(len(r) for r in self.grid)


@dataclass(frozen=True)
class Form:
    sheet: str  # the sheet it is written to in a workbook
    blocks: tuple[str | Table, ...]


def _t(*rows: list[str], **kw: Any) -> Table:
    return Table(tuple(tuple(r) for r in rows), **kw)


DECLARATION = Form("申报表", (
    "项目支出绩效目标申报表",
    "(2021年度)",
    _t(["项目名称", "特困家庭再扶助(独生子女死亡再扶助)", LEFT, LEFT, LEFT],
       ["主管部门", "昭化区卫生健康局", "实施单位", "昭化区卫生健康局", LEFT],
       ["项目资金(万元)", "年度资金总额", Num("6.3"), LEFT, LEFT],
       [UP, "其中:财政拨款", Num("6.3"), LEFT, LEFT],
       [UP, "其他资金", Num("0"), LEFT, LEFT],
       ["立项依据", "《中华人民共和国人口与计划生育法》", LEFT, LEFT, LEFT],
       ["年度目标", "对符合政策法规的独生子女伤残、死亡家庭进行扶助，增强服务意识，稳定特扶家庭情绪", LEFT, LEFT, LEFT],
       ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
       ["产出指标", "数量指标", "扶助独生子女伤残、死亡家庭人数", "63人", ""],
       [UP, "质量指标", "扶助对象资格复审率", "100%", ""],
       [UP, "时效指标", "资金拨付", "12月底到位", "按年度拨付"],
       [UP, "成本指标", "特别扶助标准", "1000元/人", ""],
       ["效益指标", "社会效益指标", "促进人口与经济、社会协调发展", "100%", ""],
       ["满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", ""]),
))

SELF_EVALUATION = Form("自评表", (
    "财政项目支出绩效自评表",
    "(2022 年度)",
    _t(["项目名称", "宣传与推广", LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
       ["主管部门", "上海市松江区科创发展办公室", LEFT, LEFT, "实施单位", "上海市松江区科创发展办公室", LEFT, LEFT],
       ["项目资金 (元)", LEFT, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
       ["", "年度资金总额", Num("700000"), Num("467294.2"), Num("387664.62"), Num("10"), Pct("83%"), Num("8")],
       ["", "其中：当年财政拨款", Num("700000"), Num("467294.2"), Num("387664.62"), "—", "", ""],
       ["", "上年结转资金", Num("0"), Num("0"), "", "—", "", ""],
       ["", "其他资金", Num("0"), Num("0"), "", "—", "", ""],
       ["年度总体目标", "预期目标", LEFT, LEFT, "实际完成情况", LEFT, LEFT, LEFT],
       [UP, "全面立体化报道G60科创走廊九城市科创和产业发展情况，提升社会影响力。", LEFT, LEFT,
        "各项活动年内总计超50家国内主流媒体报道，完成各级报道超300篇。", LEFT, LEFT, LEFT]),
    _t(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
       ["产出指标", "数量指标", "主流媒体报道", "≥50家", "≥50家", Num("10"), Num("10"), "无"],
       [UP, UP, "各级报道篇数", "≥300篇", "≥300篇", Num("10"), Num("10"), "无"],
       [UP, "质量指标", "报道内容审核通过率", "=100%", "=100%", Num("10"), Num("10"), "无"],
       [UP, "时效指标", "工作开展及时性", "及时", "及时", Num("10"), Num("10"), "无"],
       [UP, "成本指标", "控制在预算范围内", "完成", "完成", Num("10"), Num("8"), "执行率未达到预期"],
       ["效益指标", "社会效益指标", "长三角G60科创走廊知名度与美誉度", "提升", "提升", Num("20"), Num("20"), "无"],
       ["满意度指标", "服务对象满意度指标", "相关方满意度", "≥85%", "≥85%", Num("10"), Num("10"), "无"],
       ["总分", LEFT, LEFT, LEFT, LEFT, Num("100"), Num("98"), ""],
       repeat_header=1, break_after=4),
))

FORMS = (DECLARATION, SELF_EVALUATION)


def text_form(text: str, sheet: str = "Sheet1") -> Form:
    """A text file (a seed) as a form: runs of tab-separated lines become a table (rows padded to its
    widest), the other lines paragraphs; blank lines are left out."""
    blocks: list[str | Table] = []
    run: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            run.append(line.split("\t"))
            continue
        if run:
            width = max(len(r) for r in run)
            blocks.append(Table(tuple(tuple(r + [""] * (width - len(r))) for r in run)))
            run = []
        if line.strip():
            blocks.append(line)
    return Form(sheet, tuple(blocks))


def cell_text(value: str) -> str:
    return "" if value in (LEFT, UP) else str(value)


def spans(table: Table) -> dict[tuple[int, int], tuple[int, int]]:
    """(0-based row, column) of each cell that holds text or is empty -> (rowspan, colspan)."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(table.grid):
        for c, value in enumerate(row):
            if value in (LEFT, UP):
                continue
            colspan = 1
            while c + colspan < len(row) and row[c + colspan] == LEFT:
                colspan += 1
            rowspan = 1
            while r + rowspan < len(table.grid) and table.grid[r + rowspan][c] == UP:
                rowspan += 1
            out[(r, c)] = (rowspan, colspan)
    return out


def text_lines(forms: tuple[Form, ...], trim: bool = False) -> list[str]:
    """The text version of ``forms``: a line per paragraph or table row (``trim``: each row ending at its
    last cell with text, as a spreadsheet's rows do)."""
    lines: list[str] = []
    for form in forms:
        for block in form.blocks:
            if isinstance(block, Table):
                lines += ["\t".join(cell_text(v) for v in row) for row in block.grid]
            else:
                lines.append(block)
    return [line.rstrip("\t") for line in lines] if trim else lines


# ---------------------------------------------------------------- Word, spreadsheets, HTML


def docx_bytes(forms: tuple[Form, ...]) -> bytes:
    """A DOCX: paragraphs, and tables whose merges are real gridSpan / vMerge merges (python-docx)."""
    import docx

    document = docx.Document()
    for form in forms:
        for block in form.blocks:
            if isinstance(block, str):
                document.add_paragraph(block)
                continue
            table = document.add_table(rows=len(block.grid), cols=block.width)
            table.style = "Table Grid"
            for (r, c), (rowspan, colspan) in spans(block).items():
                cell = table.cell(r, c)
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
                cell.text = str(block.grid[r][c])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _number(value: str) -> float | int:
    return int(value) if value.lstrip("-").isdigit() else float(value)


def xlsx_bytes(forms: tuple[Form, ...]) -> bytes:
    """An XLSX with one sheet per form (its ``sheet`` name), merged ranges, numbers as numbers (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for form in forms:
        sheet = book.create_sheet(form.sheet)
        row = 1
        for block in form.blocks:
            if isinstance(block, str):
                sheet.cell(row, 1, block).data_type = "s"  # text such as "=56850" is text, not a formula
                row += 1
                continue
            for (r, c), (rowspan, colspan) in spans(block).items():
                value = block.grid[r][c]
                cell = sheet.cell(row + r, c + 1)
                if isinstance(value, Pct):
                    cell.value = float(value.rstrip("%")) / 100
                    cell.number_format = "0%"
                elif isinstance(value, Num):
                    cell.value = _number(value)
                elif value:
                    cell.value = str(value)
                    cell.data_type = "s"
                if rowspan > 1 or colspan > 1:
                    sheet.merge_cells(start_row=row + r, start_column=c + 1,
                                      end_row=row + r + rowspan - 1, end_column=c + colspan)
            row += len(block.grid)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(forms: tuple[Form, ...]) -> bytes:
    """The same workbook as ``xlsx_bytes`` in the Excel 97-2003 format (xlwt)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    percent = xlwt.easyxf(num_format_str="0%")
    for form in forms:
        sheet = book.add_sheet(form.sheet)
        row = 0
        for block in form.blocks:
            if isinstance(block, str):
                sheet.write(row, 0, block)
                row += 1
                continue
            for (r, c), (rowspan, colspan) in spans(block).items():
                value = block.grid[r][c]
                label: Any = (float(value.rstrip("%")) / 100 if isinstance(value, Pct)
                              else _number(value) if isinstance(value, Num) else str(value))
                style = percent if isinstance(value, Pct) else xlwt.Style.default_style
                if rowspan > 1 or colspan > 1:
                    sheet.write_merge(row + r, row + r + rowspan - 1, c, c + colspan - 1, label, style)
                elif value:
                    sheet.write(row + r, c, label, style)
            row += len(block.grid)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_bytes(forms: tuple[Form, ...], chrome: bool = True, break_title: bool = True) -> bytes:
    """A government site's page: navigation, breadcrumbs, scripts and a footer around the forms' tables
    (rowspan / colspan); ``break_title`` writes each table's first cell with a ``<br>`` inside its text."""
    from html import escape

    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>预决算公开</title>',
             "<style>td{border:1px solid}</style><script>var menu='首页 机构概况';</script></head><body>"]
    if chrome:
        parts += ['<header><h1>某某区人民政府</h1></header>',
                  '<nav><ul><li>首页</li><li>政务公开</li><li>预决算信息</li></ul></nav>',
                  '<div class="breadcrumb">您所在的位置 &gt; 预决算信息</div>',
                  '<div id="leftMenu"><a>部门预算</a><a>部门决算</a></div>']
    parts.append('<div class="content">')
    for form in forms:
        for block in form.blocks:
            if isinstance(block, str):
                parts.append(f"<p>{escape(block)}</p>")
                continue
            parts.append("<table>")
            for r, row in enumerate(block.grid):
                parts.append("<tr>")
                for c, value in enumerate(row):
                    if (r, c) not in spans(block):
                        continue
                    rowspan, colspan = spans(block)[(r, c)]
                    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                        f' colspan="{colspan}"' if colspan > 1 else "")
                    text = escape(str(value))
                    if break_title and r == 0 and c == 0 and len(value) > 2:
                        text = f"{escape(value[:2])}<br>\n  {escape(value[2:])}"
                    parts.append(f"<td{attrs}>{text}</td>")
                parts.append("</tr>")
            parts.append("</table>")
    parts.append("</div>")
    if chrome:
        parts.append('<footer>主办:某某区人民政府办公室 网站标识码:0000000000</footer>'
                     '<div class="copyright">版权所有</div>')
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


# ---------------------------------------------------------------- ruled PDF (reportlab, STSong-Light)

FONT = "STSong-Light"
SIZE = 8.0
LEADING = 10.0
PAD = 3.0
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 40.0


def _widths(table: Table) -> list[float]:
    usable = PAGE_W - 2 * MARGIN
    if table.width == 5:
        return [70.0, 90.0, 150.0, 105.0, usable - 415.0]
    return [usable / table.width] * table.width


def _wrap(text: str, width: float) -> list[str]:
    """Break ``text`` into lines of at most ``width`` points, between characters (CJK text wraps anywhere)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, FONT, SIZE) > width - 2 * PAD:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


class _Layout:
    """Pages of drawing operations and, per page, the text lines a reader should render."""

    def __init__(self) -> None:
        self.pages: list[list[tuple[str, Any]]] = []  # ("text", (x, y, s)) / ("rect", (x, y, w, h))
        self.lines: list[list[str]] = []
        self.y = 0.0

    def new_page(self) -> None:
        self.pages.append([])
        self.lines.append([])
        self.y = PAGE_H - MARGIN

    def paragraph(self, text: str) -> None:
        self.y -= 16
        self.pages[-1].append(("text", (MARGIN, self.y, text)))
        self.lines[-1].append(text)
        self.y -= 4

    def table(self, table: Table) -> None:
        """Lay out one table's rows (row heights from the wrapped text of the cells starting in them)."""
        self.y -= 8
        widths = _widths(table)
        xs = [MARGIN + sum(widths[:c]) for c in range(table.width + 1)]
        cells = spans(table)
        wrapped = {(r, c): _wrap(cell_text(table.grid[r][c]), xs[c + cs] - xs[c])
                   for (r, c), (_rs, cs) in cells.items()}
        heights = [max([LEADING * len(wrapped[(r, c)]) + 2 * PAD for c in range(table.width) if (r, c) in wrapped]
                       + [LEADING + 2 * PAD]) for r in range(len(table.grid))]
        order: list[int | None] = list(range(len(table.grid)))
        if table.break_after is not None:
            order = order[:table.break_after] + [None] + list(range(table.repeat_header)) + order[table.break_after:]
        repeating = False
        for r in order:
            if r is None:
                self.new_page()
                repeating = True
                continue
            repeating = repeating and r < table.repeat_header
            if not repeating:
                self.lines[-1].append("\t".join(cell_text(v) for v in table.grid[r]))
            top = self.y
            self.y -= heights[r]
            for c in range(table.width):
                if (r, c) not in cells:
                    continue
                rowspan, colspan = cells[(r, c)]
                height = sum(heights[r:r + rowspan])
                self.pages[-1].append(("rect", (xs[c], top - height, xs[c + colspan] - xs[c], height)))
                for i, text in enumerate(wrapped[(r, c)]):
                    self.pages[-1].append(("text", (xs[c] + PAD, top - PAD - SIZE - i * LEADING, text)))


def pdf_bytes(forms: tuple[Form, ...], encrypt: str | None = None, footers: bool = True) -> tuple[bytes, list[str]]:
    """A ruled PDF (every cell drawn as its rectangle, merged cells as one) in the STSong-Light CID font.

    Each form starts a page; a table with ``break_after`` continues on the next page, where its
    ``repeat_header`` rows are drawn again. ``footers`` draws ``N / M`` at each page's foot.
    Returns: (the PDF's bytes, its text lines as a reader should render them: paragraphs and
    table rows in order, the footers where they stand, the repeated header rows not).
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    layout = _Layout()
    for form in forms:
        layout.new_page()
        for block in form.blocks:
            if isinstance(block, str):
                layout.paragraph(block)
            else:
                layout.table(block)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H), encrypt=encrypt, invariant=1)
    total = len(layout.pages)
    for number, ops in enumerate(layout.pages, start=1):
        pdf.setFont(FONT, SIZE)
        pdf.setLineWidth(0.8)
        for kind, args in ops:
            if kind == "text":
                pdf.drawString(*args)
            else:
                pdf.rect(*args, stroke=1, fill=0)
        if footers:
            pdf.drawString(PAGE_W / 2 - 10, MARGIN / 2, f"{number} / {total}")
            layout.lines[number - 1].append(f"{number} / {total}")
        pdf.showPage()
    pdf.save()
    return out.getvalue(), [line for page in layout.lines for line in page]


# ---------------------------------------------------------------- scans (Pillow)

CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def cjk_font() -> str | None:
    """A CJK font file of Debian's fonts-wqy-microhei / fonts-noto-cjk packages, if one is installed."""
    return next((f for f in CJK_FONTS if Path(f).exists()), None)


def scan_image(form: Form, dpi: int = 300) -> Any:
    """A form printed and scanned: a white A4 page at ``dpi`` with its ruled table and text (a PIL image).

    Merged cells are drawn as one box; text in 10.5 pt, one line per cell (the text is not wrapped).
    Raises: FileNotFoundError when no CJK font is installed (see ``cjk_font``).
    """
    from PIL import Image, ImageDraw, ImageFont

    font_file = cjk_font()
    if font_file is None:
        raise FileNotFoundError("no CJK font: apt-get install fonts-wqy-microhei")
    scale = dpi / 72
    font = ImageFont.truetype(font_file, int(10.5 * scale))
    page = Image.new("L", (int(PAGE_W * scale), int(PAGE_H * scale)), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN * scale
    row_h = 24 * scale
    for block in form.blocks:
        if isinstance(block, str):
            draw.text((MARGIN * scale, y), block, font=font, fill=0)
            y += row_h
            continue
        widths = [w * scale for w in (_widths(block) if block.width != 5 else [85.0, 110.0, 170.0, 75.0, 75.0])]
        xs = [MARGIN * scale + sum(widths[:c]) for c in range(block.width + 1)]
        for (r, c), (rowspan, colspan) in spans(block).items():
            box = (xs[c], y + r * row_h, xs[c + colspan], y + (r + rowspan) * row_h)
            draw.rectangle(box, outline=0, width=max(1, int(scale)))
            draw.text((box[0] + 4 * scale, box[1] + 5 * scale), cell_text(block.grid[r][c]), font=font, fill=0)
        y += len(block.grid) * row_h + row_h
    return page


def scan_text(form: Form) -> str:
    """The characters a perfect OCR of ``scan_image(form)`` reads, in reading order, without whitespace."""
    return "".join("".join(line.split()) for line in text_lines((form,)))


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over characters / reference length, whitespace removed from both."""
    ref, hyp = "".join(reference.split()), "".join(hypothesis.split())
    previous = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, start=1):
        current = [i]
        for j, b in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / len(ref)
