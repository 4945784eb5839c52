"""Bad input gets a clear error naming the file, and the other files are still read."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from policykg.loaders import load, load_many
from policykg.loaders.errors import LayoutError, SourceError
from tests.conftest import SEEDS


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    with pytest.raises(SourceError, match=r"empty.txt: the file is empty; nothing to read"):
        load(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x03\x00\x00\x00")  # a program; a PNG is now read as a scan
    with pytest.raises(SourceError, match=r"image.txt: binary file \(NUL byte at offset 8\)"):
        load(path)


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"\xff\xfe\xfa" * 10)
    with pytest.raises(SourceError, match=r"latin.txt: not UTF-8 or GB18030"):
        load(path)


def test_gb18030_is_read_correctly(tmp_path: Path) -> None:
    text = (SEEDS / "002_5ed4d149ac1e0066.txt").read_text(encoding="utf-8")
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    doc = load(path)
    assert [p.name for p in doc.projects][:3] == ["宣传阵地建设", "G60日常办公经费", "派驻干部费用"]
    assert doc.declared_total is not None and doc.declared_total.text == "850.00万元"


def test_not_a_form(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("各位同事：\n下周一开会。\n", encoding="utf-8")
    with pytest.raises(LayoutError, match=r"letter.txt: not a 绩效目标申报表"):
        load(path)


def test_form_cut_off_in_the_middle(tmp_path: Path) -> None:
    # 002 cut after line 700: form 5 (展示馆运维费) loses its indicator table, forms 6-10 are gone.
    lines = (SEEDS / "002_5ed4d149ac1e0066.txt").read_text(encoding="utf-8").split("\n")[:700]
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = load(path)
    assert [p.name for p in doc.projects][-1] == "展示馆运维费"
    messages = [f.message for f in doc.findings]
    assert f"{path}:674: the form of 展示馆运维费 has no indicator rows (三级指标); the form may be cut off" in messages
    assert f"{path}: the summary declares 10 projects; 5 found" in messages


def test_file_cut_inside_a_character(tmp_path: Path) -> None:
    data = (SEEDS / "002_5ed4d149ac1e0066.txt").read_bytes()[:20000]
    path = tmp_path / "cut.txt"
    path.write_bytes(data)
    doc = load(path)
    assert any("the file ends inside a character; it was cut off" in f.message for f in doc.findings)


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes((SEEDS / "003_9ccbaafc82c3a09f.txt").read_bytes())
    documents, errors = load_many([tmp_path])
    assert [d.file_name for d in documents] == ["b.txt"]
    assert [e.message for e in errors] == [f"{tmp_path / 'a_empty.txt'}: the file is empty; nothing to read"]


def test_a_self_evaluation_without_its_second_title_keeps_both_projects(tmp_path: Path) -> None:
    # Dropping the title line 财政项目支出绩效自评表 of the second form (line 49 of seed 003) used to make the
    # seed reader lose that project silently; the form reader, which counts the 项目名称 labels, keeps it.
    lines = (SEEDS / "003_9ccbaafc82c3a09f.txt").read_text(encoding="utf-8").split("\n")
    assert lines[48].strip() == "财政项目支出绩效自评表"
    path = tmp_path / "003-cut.txt"
    path.write_text("\n".join(lines[:48] + lines[49:]), encoding="utf-8")
    doc = load(path)
    assert [p.name for p in doc.projects] == ["G60科创走廊建设", "宣传与推广"]
    assert doc.projects[1].funds.adjusted is not None and doc.projects[1].funds.adjusted.yuan == Decimal("467294.2")
