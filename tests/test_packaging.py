"""The wheel installs one package, ``policykg``, and builds a graph outside the repository.

``python -m build`` makes the sdist of this tree and the wheel from the sdist; it is installed
into a new virtual environment in a temporary folder (the libraries it depends
on are read from the test environment's site-packages, listed after the new
environment's own, so that nothing is downloaded and the test environment's
editable install of the source tree is not seen). There, ``policykg build``
and ``python -m policykg build`` run on a folder of forms copied out of the
repository and write the same graph as the source tree does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMS = sorted((ROOT / "tests" / "forms" / "docs").glob("*.txt"))[:4]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # the sdist first, then the wheel from it (in a temporary folder): the sdist must hold all the wheel needs
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, cwd=out)
    (found,) = out.glob("policykg-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # the dependencies, from the test environment: a plain path line (its own .pth files, among them the
    # editable install's finder, are not run for a path added this way)
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return home


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_wheel_holds_one_package_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"policykg"}
    for needed in ("policykg/__main__.py", "policykg/graph/sparql/queries/policy-projects-money.rq",
                   "policykg/graph/data/places.tsv", "policykg/loaders/data/form_labels.tsv",
                   "policykg/ontology/shapes.ttl", "policykg/graph/run/pipeline.py"):
        assert needed in names
    # every folder holding Python code is in the wheel
    folders = {p.parent.relative_to(ROOT) for top in ("loaders", "graph", "ontology")
               for p in (ROOT / top).rglob("*.py")}
    for folder in folders:
        assert f"policykg/{folder.as_posix()}/__init__.py" in names, f"{folder} is not packaged"


def test_the_installed_command_builds_forms_outside_the_repository(venv: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    for form in FORMS:
        shutil.copy(form, forms / form.name)
    where = _run(venv, "python", "-c", "import policykg, policykg.graph.cli; print(policykg.__file__)", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv)
    for name in ("graph", "loaders", "ontology"):  # the folder names are not importable on their own
        assert _run(venv, "python", "-c", f"import {name}", cwd=tmp_path).returncode != 0
    built = _run(venv, "policykg", "build", "forms", "--out", "installed", cwd=tmp_path)
    assert built.returncode in (0, 1), built.stderr  # 1: a form's graph may violate a shape; still written
    again = _run(venv, "python", "-m", "policykg", "build", "forms", "--out", "module", "--no-cache", cwd=tmp_path)
    assert again.returncode == built.returncode, again.stderr
    # the source tree's build, by the test environment (messages name the files as given: the same relative path)
    here = subprocess.run([sys.executable, "-m", "policykg", "build", "forms", "--out", "source"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert here.returncode == built.returncode, here.stderr
    expected = (tmp_path / "source" / "graph.nt").read_bytes()
    assert expected.count(b"\n") > 500  # the four forms hold hundreds of facts
    assert (tmp_path / "installed" / "graph.nt").read_bytes() == expected
    assert (tmp_path / "module" / "graph.nt").read_bytes() == expected
