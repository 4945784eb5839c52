"""Tidy tables of the graph for pandas, R, Stata and Excel: one row per entity, one column per value.

Each table is the answer of a named query of the catalog (``graph/sparql/queries/table-*.rq``, run with
``graph.sparql.queries.run_named``), so a table and ``policykg query table-…`` never disagree. Rows come in the
query's ORDER BY (deterministic); an empty cell is a value the graph does not state.

Tables (``TABLES``: table name -> query name) and their columns:

- ``projects`` — one row per ``pkg:Project``: ``project`` (IRI), ``fiscal_year``, ``name``, ``parent_project``
  (IRI of the parent of a sub-project, 二级项目), ``parent_name``, ``department`` (主管部门), ``implementing_unit``
  (实施单位), ``budget_unit`` (预算单位), the amounts in yuan ``total_funds_yuan`` (项目总额), ``annual_funds_yuan``
  (年度资金申请总额), ``fiscal_funds_yuan`` (财政资金), ``appropriation_yuan`` (财政拨款), ``carry_over_yuan``
  (上年结转), ``other_funds_yuan`` (其他资金), ``initial_budget_yuan`` (年初预算数), ``adjusted_budget_yuan``
  (全年预算数), ``executed_amount_yuan`` (全年执行数), then ``source_kind`` (``declaration`` or
  ``self-evaluation``), ``source_file``, ``source_line`` (1-based).
- ``indicators`` — one row per indicator (三级指标): ``indicator`` (IRI), ``project``, ``project_name``,
  ``fiscal_year``, ``level1`` (一级指标 as printed), ``level2`` (二级指标), ``name`` (三级指标), ``target_text``
  (年度指标值 as written), ``comparator`` (``>=``, ``=`` …), ``target_value`` (number), ``target_unit``,
  ``actual_text`` (实际完成值 as written), ``actual_value``, ``weight`` (分值, points), ``score`` (得分, points),
  ``deviation_note`` (偏差原因分析), ``source_file``, ``source_line``.
- ``citations`` — one row per policy named in a project's text: ``citation`` (IRI), ``project``,
  ``project_name``, ``fiscal_year``, ``policy`` (IRI), ``policy_title``, ``doc_number`` (文号),
  ``in_legal_basis`` (true when cited in the 立项依据), ``text_as_written``, ``source_file``, ``source_line``.
- ``policies`` — one row per cited policy document: ``policy`` (IRI), ``title``, ``doc_number`` (文号),
  ``issuer`` (issuing authority), ``year`` (of issue, from the 文号), ``citing_projects`` (count).
- ``lineage`` — one row per link from a project to the earlier one it continues: ``link`` (IRI),
  ``later_project``, ``later_name``, ``later_year``, ``earlier_project``, ``earlier_name``, ``earlier_year``,
  ``score`` (0 to 1), ``evidence`` (the link's evidence texts, sorted, joined with `` | ``).
- ``findings`` — one row per audit finding and project it concerns: ``finding`` (IRI), ``file``, ``project``,
  ``project_name``, ``fiscal_year``, ``project_line``, ``rule``, ``severity`` (error, warning, notice),
  ``message_en``, ``message_zh``, ``line`` (the finding's first line), ``lines`` (the lines of the sides
  compared, in their order, joined with ``, ``; ``file:line`` for a side in another file).

Units: money is yuan (元), never 万元; years are integers; weights and scores are points.

Formats (``export_tables``):

- ``csv`` — ``<out_dir>/<table>.csv``: UTF-8 (no byte order mark), a header row, ``\\n`` line ends, plain
  values (``graph.sparql.store.cell_text``: ``5300000``, not ``5.3E6``; ``true``/``false``), empty for unbound.
- ``parquet`` — ``<out_dir>/<table>.parquet`` (pyarrow): integers (years, lines, counts) ``int64``; yuan
  ``decimal128(20, 2)`` (exact; a yuan value with more than two decimals is an error); other numbers
  (``target_value``, ``actual_value``, ``weight``, ``score``, lineage ``score``) ``float64``;
  ``in_legal_basis`` ``bool``; everything else ``string``. Nulls for unbound.
- ``xlsx`` — one workbook ``<out_dir>/tables.xlsx`` (openpyxl), one sheet per table named as the table, a
  header row, numbers as numbers (yuan shown ``#,##0.00``), text as text (a value such as ``=4场`` is never a
  formula); control characters, which a workbook cannot hold, are written as escapes (``graph.printable``).

The same graph gives byte-identical files in every format (the workbook's created and modified times and the
zip entries' times are fixed to ``FIXED_TIME``). Errors: ``PolicyKGError`` for an unknown format or table, or
a query whose columns are not the table's; ``QueryError`` from the store.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib.term import Node

from policykg.graph.printable import printable
from policykg.graph.sparql.queries import resolve, run_named
from policykg.graph.sparql.store import Store, Table, cell_text
from policykg.loaders.errors import PolicyKGError

__all__ = ["TABLES", "COLUMNS", "FORMATS", "FIXED_TIME", "chosen_tables", "export_tables", "table", "typed_rows"]

TABLES: dict[str, str] = {
    "projects": "table-projects",
    "indicators": "table-indicators",
    "citations": "table-citations",
    "policies": "table-policies",
    "lineage": "table-lineage",
    "findings": "table-findings",
}
FORMATS = ("csv", "parquet", "xlsx")
FIXED_TIME = datetime.datetime(2000, 1, 1)  # the workbook's created/modified time and its zip entries' time

_YUAN = ("total_funds_yuan", "annual_funds_yuan", "fiscal_funds_yuan", "appropriation_yuan", "carry_over_yuan",
         "other_funds_yuan", "initial_budget_yuan", "adjusted_budget_yuan", "executed_amount_yuan")

# column -> kind: "text" (IRIs too), "int", "yuan", "number", "bool"; in the order the queries give them
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "projects": (("project", "text"), ("fiscal_year", "int"), ("name", "text"), ("parent_project", "text"),
                 ("parent_name", "text"), ("department", "text"), ("implementing_unit", "text"),
                 ("budget_unit", "text"), *((c, "yuan") for c in _YUAN), ("source_kind", "text"),
                 ("source_file", "text"), ("source_line", "int")),
    "indicators": (("indicator", "text"), ("project", "text"), ("project_name", "text"), ("fiscal_year", "int"),
                   ("level1", "text"), ("level2", "text"), ("name", "text"), ("target_text", "text"),
                   ("comparator", "text"), ("target_value", "number"), ("target_unit", "text"),
                   ("actual_text", "text"), ("actual_value", "number"), ("weight", "number"), ("score", "number"),
                   ("deviation_note", "text"), ("source_file", "text"), ("source_line", "int")),
    "citations": (("citation", "text"), ("project", "text"), ("project_name", "text"), ("fiscal_year", "int"),
                  ("policy", "text"), ("policy_title", "text"), ("doc_number", "text"), ("in_legal_basis", "bool"),
                  ("text_as_written", "text"), ("source_file", "text"), ("source_line", "int")),
    "policies": (("policy", "text"), ("title", "text"), ("doc_number", "text"), ("issuer", "text"),
                 ("year", "int"), ("citing_projects", "int")),
    "lineage": (("link", "text"), ("later_project", "text"), ("later_name", "text"), ("later_year", "int"),
                ("earlier_project", "text"), ("earlier_name", "text"), ("earlier_year", "int"),
                ("score", "number"), ("evidence", "text")),
    "findings": (("finding", "text"), ("file", "text"), ("project", "text"), ("project_name", "text"),
                 ("fiscal_year", "int"), ("project_line", "int"), ("rule", "text"), ("severity", "text"),
                 ("message_en", "text"), ("message_zh", "text"), ("line", "int"), ("lines", "text")),
}
_CENT = Decimal("0.01")


def chosen_tables(fmt: str, tables: Iterable[str] | None = None) -> list[str]:
    """The table names an export of ``tables`` (``None``: all, in ``TABLES`` order) in ``fmt`` writes.

    Raises: PolicyKGError for an unknown format or table (a command checks this before opening a store).
    """
    if fmt not in FORMATS:
        raise PolicyKGError(f"unknown table format {fmt!r}; use one of {', '.join(FORMATS)}")
    names = list(TABLES) if tables is None else list(dict.fromkeys(tables))
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise PolicyKGError(f"unknown table {unknown[0]!r}; the tables are {', '.join(TABLES)}")
    return names


def table(store: Store, name: str) -> Table:
    """The rows of table ``name`` (cells are rdflib terms, ``None`` for unbound), from its named query.

    Raises: PolicyKGError for an unknown table or a query whose columns are not ``COLUMNS[name]``.
    """
    chosen_tables("csv", [name])
    result = run_named(store, resolve(TABLES[name]))
    declared = tuple(c for c, _ in COLUMNS[name])
    if result.columns != declared:
        raise PolicyKGError(f"query {TABLES[name]} answers columns {', '.join(result.columns)}; "
                            f"table {name} has {', '.join(declared)}")
    return result


def _value(kind: str, term: Node | None, column: str) -> Any:
    if term is None:
        return None
    text = cell_text(term)
    if kind == "text":
        return text
    if kind == "bool":
        return text == "true"
    try:
        if kind == "int":
            return int(text)
        if kind == "number":
            return float(text)
        amount = Decimal(text)
        cents = amount.quantize(_CENT)
    except (ValueError, InvalidOperation):
        raise PolicyKGError(f"column {column}: {text!r} is not a {kind} value") from None
    if cents != amount:
        raise PolicyKGError(f"column {column}: {text} yuan has more than two decimals (fen)")
    return cents


def typed_rows(name: str, result: Table) -> list[list[Any]]:
    """Rows of table ``name`` as Python values: ``int``, ``Decimal`` yuan (two decimals), ``float``, ``bool``,
    ``str``, ``None`` for unbound. Raises: PolicyKGError for a value that is not of its column's kind."""
    kinds = [kind for _, kind in COLUMNS[name]]
    return [[_value(k, term, c) for k, term, c in zip(kinds, row, result.columns, strict=True)] for row in result.rows]


def export_tables(store: Store, out_dir: str | Path, fmt: str = "csv", tables: Sequence[str] | None = None) -> list[Path]:
    """Write the tables (all of ``TABLES``, or the names in ``tables``) of ``store`` into ``out_dir``.

    ``fmt`` is ``csv`` or ``parquet`` (one file per table, ``<table>.csv``) or ``xlsx`` (one workbook
    ``tables.xlsx``, one sheet per table). Returns: the files written. Raises: PolicyKGError for an unknown
    format or table (before anything is queried or written); QueryError from the store.
    """
    names = chosen_tables(fmt, tables)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    results = {name: table(store, name) for name in names}
    if fmt == "xlsx":
        path = folder / "tables.xlsx"
        _write_xlsx(path, results)
        return [path]
    written = []
    for name, result in results.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            _write_csv(path, result)
        else:
            _write_parquet(path, name, result)
        written.append(path)
    return written


def _write_csv(path: Path, result: Table) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([cell_text(v) for v in row] for row in result.rows)


def _write_parquet(path: Path, name: str, result: Table) -> None:
    import pyarrow as pa  # imported here: only the parquet format needs it
    import pyarrow.parquet as pq

    types = {"text": pa.string(), "int": pa.int64(), "yuan": pa.decimal128(20, 2), "number": pa.float64(),
             "bool": pa.bool_()}
    schema = pa.schema([pa.field(column, types[kind]) for column, kind in COLUMNS[name]],
                       metadata={"query": TABLES[name], "money": "yuan"})
    rows = typed_rows(name, result)
    columns = [pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)]
    pq.write_table(pa.Table.from_arrays(columns, schema=schema), path)


def _write_xlsx(path: Path, results: dict[str, Table]) -> None:
    from openpyxl import Workbook  # imported here: only the xlsx format needs it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.xml.functions import tostring

    book = Workbook()
    book.remove(book.worksheets[0])  # the default empty sheet
    for name, result in results.items():
        sheet = book.create_sheet(name)
        sheet.append(list(result.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        kinds = [kind for _, kind in COLUMNS[name]]
        for r, row in enumerate(typed_rows(name, result), 2):
            for c, (kind, value) in enumerate(zip(kinds, row, strict=True), 1):
                if value is None:
                    continue
                if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                    value = printable(value)
                cell = sheet.cell(row=r, column=c, value=value)
                if kind == "text":
                    cell.data_type = "s"  # text as written, never a formula (a target such as =4场)
                elif kind == "yuan":
                    cell.number_format = "#,##0.00"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl stamps the time of saving into docProps/core.xml and the zip entries
    book.properties.created = book.properties.modified = FIXED_TIME
    core = tostring(book.properties.to_tree())
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(buffer) as saved, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as fixed:
        for info in saved.infolist():
            data = core if info.filename == "docProps/core.xml" else saved.read(info.filename)
            fixed.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)
