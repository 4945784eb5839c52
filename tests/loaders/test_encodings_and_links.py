"""Files that used to be skipped or misnamed: links to nothing, UTF-16, a byte no encoding reads."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.graph.cli import app
from policykg.graph.run import pipeline
from policykg.loaders import load, load_many, source_files
from policykg.loaders.errors import SourceError
from tests.conftest import SEEDS

SELF_EVALUATION = SEEDS / "003_9ccbaafc82c3a09f.txt"  # 项目名称 G60科创走廊建设 and 宣传与推广


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_a_bom_is_read(tmp_path: Path, codec: str, bom: bytes) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + SELF_EVALUATION.read_text(encoding="utf-8").encode(codec))
    doc = load(path)
    assert [p.name for p in doc.projects] == [p.name for p in load(SELF_EVALUATION).projects]
    assert [p.name for p in doc.projects][:2] == ["G60科创走廊建设", "宣传与推广"]


def test_utf16_without_a_bom_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes(SELF_EVALUATION.read_text(encoding="utf-8").encode("utf-16-le"))
    with pytest.raises(SourceError, match=r"nobom.txt: looks like UTF-16 without a byte-order mark \(NUL bytes at "
                                          r"every other offset, from 1\); save it as UTF-8, or as UTF-16 with a BOM"):
        load(path)


def test_bytes_that_only_start_like_utf16_are_not_read_as_it(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"\xff\xfe\xfa" * 10)
    with pytest.raises(SourceError, match=r"latin.txt: not UTF-8 or GB18030"):
        load(path)


def test_an_undecodable_byte_is_named_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("项目名称\tG60\n".encode() + "中文".encode() + b"\xff rest\n")  # 0xff: neither UTF-8 nor GB18030
    with pytest.raises(SourceError) as raised:
        load(path)
    offset = len("项目名称\tG60\n中文".encode())
    assert str(raised.value) == (f"{path}: not UTF-8 or GB18030 (byte 0xff at line 2, column 3, offset {offset}); "
                                 "convert it to UTF-8")


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SELF_EVALUATION.read_bytes())
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.symlink(folder / "loop.txt", folder / "loop.txt")
    return folder


def test_dangling_and_looping_links_are_reported(linked: Path) -> None:
    assert [f.name for f in source_files([linked])] == ["dangling.txt", "good.txt", "loop.txt"]
    documents, errors = load_many([linked])
    assert [d.file_name for d in documents] == ["good.txt"]
    assert [Path(e.path).name for e in errors] == ["dangling.txt", "loop.txt"]
    assert errors[0].message == f"{linked / 'dangling.txt'}: no such file"
    assert errors[1].message.startswith(f"{linked / 'loop.txt'}: cannot be read (Too many levels of symbolic links")


def test_build_reports_the_links_and_builds_the_rest(linked: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(linked), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"error: {linked / 'dangling.txt'}: no such file" in result.stderr
    assert f"error: {linked / 'loop.txt'}: cannot be read" in result.stderr
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_the_automatic_shacl_skip_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "VALIDATE_UP_TO", 0)
    result = CliRunner().invoke(app, ["build", str(SELF_EVALUATION), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ("note: the SHACL shapes were not checked: 1 documents are more than 0 (minutes of validation); "
            "run `policykg validate` on the built graph, or build with --validate") in " ".join(result.stderr.split())
