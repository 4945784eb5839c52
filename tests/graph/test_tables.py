"""Tidy tables of the seeds' graph: values read from the documents, and every format equal to its named query.

Expected values are read from the seed documents (file and line in the comments), never from the program.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from policykg.graph import tables
from policykg.graph.sparql import queries
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, cell_text
from policykg.loaders.errors import PolicyKGError

F000, F001, F003, F004 = ("000_f23fd64354a9b39b.txt", "001_02eda4b669ee2409.txt", "003_9ccbaafc82c3a09f.txt",
                          "004_b5c1e20c1c71ec69.txt")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, memory_store: MemoryStore) -> dict[str, Path]:
    """The seeds' tables in each format, exported from the embedded store."""
    folders = {}
    for fmt in tables.FORMATS:
        folders[fmt] = tmp_path_factory.mktemp(fmt)
        tables.export_tables(memory_store, folders[fmt], fmt)
    return folders


@pytest.fixture(scope="module")
def rows(exported: dict[str, Path]) -> dict[str, list[dict[str, str]]]:
    return {name: read_csv(exported["csv"] / f"{name}.csv") for name in tables.TABLES}


def one(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    found = [r for r in rows if match.items() <= r.items()]
    assert len(found) == 1, (match, len(found))
    return found[0]


def test_every_table_is_a_named_query_with_snake_case_columns() -> None:
    assert set(tables.TABLES) == set(tables.COLUMNS) == {"projects", "indicators", "citations", "policies",
                                                          "lineage", "findings"}
    for name, query in tables.TABLES.items():
        named = queries.resolve(query)
        assert named.title and named.description and not named.parameters
        assert [c for c, _ in tables.COLUMNS[name]] == re.findall(r"\?(\w+)", named.text.split("WHERE")[0].split("SELECT")[1])
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c, _ in tables.COLUMNS[name])


def test_a_project_row_has_its_money_in_yuan_and_its_line(rows: dict[str, list[dict[str, str]]]) -> None:
    # 000 line 264: 项目名称 G60 科创走廊建设 (2023 年度, line 262); 主管部门 and 实施单位 上海市松江区长三角 G60 科创走廊
    # 创新研究中心 (lines 266-273); line 285: 项目资金总额 5300000.00 年度资金申请总额 5300000; line 287 财政资金 5300000;
    # line 292 当年财政拨款 5300000; line 294 上年结转资金 0; line 296 其他资金 0.
    row = one(rows["projects"], name="G60科创走廊建设", fiscal_year="2023")
    assert row == row | {
        "parent_project": "", "parent_name": "", "department": "上海市松江区长三角G60科创走廊创新研究中心",
        "implementing_unit": "上海市松江区长三角G60科创走廊创新研究中心", "total_funds_yuan": "5300000",
        "annual_funds_yuan": "5300000", "fiscal_funds_yuan": "5300000", "appropriation_yuan": "5300000",
        "carry_over_yuan": "0", "other_funds_yuan": "0", "executed_amount_yuan": "", "source_kind": "declaration",
        "source_file": F000, "source_line": "264"}
    # 004 line 1604: 4、高新技术企业认定专项补贴项目（13000 万）, a sub-project of 科技创新创业
    sub = one(rows["projects"], name="高新技术企业认定专项补贴项目")
    assert (sub["annual_funds_yuan"], sub["parent_name"], sub["source_file"], sub["source_line"]) == (
        "130000000", "科技创新创业", F004, "1604")
    assert sub["parent_project"] == one(rows["projects"], name="科技创新创业", source_file=F004)["project"]


def test_a_self_evaluated_project_has_its_budget_and_execution(rows: dict[str, list[dict[str, str]]]) -> None:
    # 003 line 51: 项目名称 宣传与推广 (2022 年度, line 50); line 54: 年度资金总额 年初预算数 700,000.00,
    # 全年预算数 467,294.2, 全年执行数 467,294.2.
    row = one(rows["projects"], name="宣传与推广", fiscal_year="2022")
    assert (row["initial_budget_yuan"], row["adjusted_budget_yuan"], row["executed_amount_yuan"]) == (
        "700000", "467294.2", "467294.2")
    assert (row["department"], row["source_kind"], row["source_file"], row["source_line"]) == (
        "上海市松江区科创发展办公室", "self-evaluation", F003, "51")


def test_an_indicator_row_has_its_target_as_written_and_parsed(rows: dict[str, list[dict[str, str]]]) -> None:
    # 003 line 63, under 产出指标 / 数量指标 (line 62): 邀请一定数量主流媒体 =50家 >50家 5 5 无
    row = one(rows["indicators"], name="邀请一定数量主流媒体", source_file=F003)
    assert row == row | {
        "project_name": "宣传与推广", "fiscal_year": "2022", "level1": "产出指标", "level2": "数量指标",
        "target_text": "=50家", "comparator": "=", "target_value": "50", "target_unit": "家",
        "actual_text": ">50家", "weight": "5", "score": "5", "deviation_note": "无", "source_line": "63"}


def test_a_citation_row_says_whether_it_is_legal_basis(rows: dict[str, list[dict[str, str]]]) -> None:
    # 004 lines 1614-1619: 二、立项依据 … 《松江区关于加快推进 G60 科创走廊高新技术企业发展的若干政策》
    # (沪松府规〔2019〕23 号), cited again under 六、年度预算安排 at line 1661 (not the legal basis).
    cited = [r for r in rows["citations"] if r["project_name"] == "高新技术企业认定专项补贴项目"
             and r["doc_number"] == "沪松府规〔2019〕23号"]
    assert {(r["source_line"], r["in_legal_basis"]) for r in cited} == {("1617", "true"), ("1661", "false")}
    assert {r["policy_title"] for r in cited} == {"松江区关于加快推进G60科创走廊高新技术企业发展的若干政策"}
    # 000 line 76: 金融赋能 carries out 《金融支持长三角 G60 科创走廊先进制造业高质量发展综合服务方案》 (项目概述)
    row = one(rows["citations"], project_name="金融赋能", fiscal_year="2023", source_line="76")
    assert (row["policy_title"], row["in_legal_basis"]) == ("金融支持长三角G60科创走廊先进制造业高质量发展综合服务方案", "false")


def test_a_policy_row_has_its_issuer_and_year(rows: dict[str, list[dict[str, str]]]) -> None:
    # 沪松府规〔2019〕23号: 沪松府 is 上海市松江区人民政府, issued in 2019 (004 line 1619)
    row = one(rows["policies"], doc_number="沪松府规〔2019〕23号")
    assert (row["title"], row["issuer"], row["year"]) == (
        "松江区关于加快推进G60科创走廊高新技术企业发展的若干政策", "上海市松江区人民政府", "2019")
    assert int(row["citing_projects"]) >= 1


def test_a_lineage_row_joins_its_evidence_in_order(rows: dict[str, list[dict[str, str]]]) -> None:
    # 001 (2024) 宣传推广 continues 003 (2022) 宣传与推广: the declarations of 2023 (000) have no such project
    row = one(rows["lineage"], later_name="宣传推广", later_year="2024")
    assert (row["earlier_name"], row["earlier_year"]) == ("宣传与推广", "2022")
    evidence = row["evidence"].split(" | ")
    assert len(evidence) > 1 and evidence == sorted(evidence)
    assert 0 < float(row["score"]) <= 1


def test_a_finding_row_has_its_rule_and_lines(rows: dict[str, list[dict[str, str]]]) -> None:
    # 001 line 47: 单个课题成本 ≤3000000.00(元) for 政策研究 (line 35), whose 项目资金总额 is 2, 000, 000. 00 (line 38)
    row = one(rows["findings"], file=F001, rule="bounds.cost-ceiling", project_name="政策研究")
    assert (row["fiscal_year"], row["project_line"], row["severity"], row["lines"]) == ("2024", "35", "error", "47, 38")
    assert "单个课题成本" in row["message_en"] and "单个课题成本" in row["message_zh"]


@pytest.mark.parametrize("name", list(tables.TABLES))
def test_the_csv_is_the_named_query(name: str, exported: dict[str, Path], memory_store: MemoryStore) -> None:
    answer = queries.run_named(memory_store, tables.TABLES[name])
    with (exported["csv"] / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0] == list(answer.columns)
    assert written[1:] == [[cell_text(v) for v in row] for row in answer.rows]
    assert len(written) > 1 and len({tuple(r) for r in written[1:]}) == len(written) - 1  # one row per entity


def same(text: str, value: Any) -> bool:
    """A CSV cell and a value read back from parquet or xlsx say the same."""
    if value is None or value == "":
        return text == ""
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, int | float | Decimal):
        return text != "" and Decimal(text) == Decimal(str(value))
    return text == value


@pytest.mark.parametrize("name", list(tables.TABLES))
def test_parquet_reads_back_as_the_csv(name: str, exported: dict[str, Path], rows: dict[str, list[dict[str, str]]]) -> None:
    read = pq.read_table(exported["parquet"] / f"{name}.parquet")
    kinds = dict(tables.COLUMNS[name])
    expected = {"text": pa.string(), "int": pa.int64(), "yuan": pa.decimal128(20, 2), "number": pa.float64(),
                "bool": pa.bool_()}
    assert read.column_names == [c for c, _ in tables.COLUMNS[name]]
    assert all(read.schema.field(c).type == expected[kinds[c]] for c in read.column_names)
    back = read.to_pylist()
    assert len(back) == len(rows[name])
    assert all(same(csv_row[c], value) for csv_row, row in zip(rows[name], back, strict=True) for c, value in row.items())


def test_the_workbook_reads_back_as_the_csv(exported: dict[str, Path], rows: dict[str, list[dict[str, str]]]) -> None:
    book = load_workbook(exported["xlsx"] / "tables.xlsx")
    assert book.sheetnames == list(tables.TABLES)
    for name in tables.TABLES:
        sheet = list(book[name].iter_rows(values_only=True))
        assert list(sheet[0]) == [c for c, _ in tables.COLUMNS[name]]
        assert len(sheet) - 1 == len(rows[name])
        for csv_row, row in zip(rows[name], sheet[1:], strict=True):
            assert all(same(csv_row[c], value) for c, value in zip(sheet[0], row, strict=True)), (name, row)
    # numbers are numbers, and a target written =50家 is text, not a formula
    annual = [c for c, _ in tables.COLUMNS["projects"]].index("annual_funds_yuan")
    assert any(isinstance(row[annual].value, int | float) for row in book["projects"].iter_rows(min_row=2))
    assert "=50家" in {c.value for c in book["indicators"]["H"]}  # target_text


def test_two_exports_are_byte_identical(exported: dict[str, Path], oxigraph_store: OxigraphStore,
                                        tmp_path: Path) -> None:
    for fmt in tables.FORMATS:
        again = tables.export_tables(oxigraph_store, tmp_path / fmt, fmt)  # the same graph, in another store
        assert again and all(p.read_bytes() == (exported[fmt] / p.name).read_bytes() for p in again), fmt


def test_a_chosen_table_and_the_errors(memory_store: MemoryStore, tmp_path: Path) -> None:
    assert tables.export_tables(memory_store, tmp_path, "csv", ["policies"]) == [tmp_path / "policies.csv"]
    with pytest.raises(PolicyKGError, match="unknown table format 'ods'"):
        tables.export_tables(memory_store, tmp_path / "ods", "ods")
    with pytest.raises(PolicyKGError, match="unknown table 'money'.*projects, indicators"):
        tables.export_tables(memory_store, tmp_path / "money", "csv", ["money"])
    assert not (tmp_path / "ods").exists() and not (tmp_path / "money").exists()
