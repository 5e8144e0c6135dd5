"""infra/precompile.py: the package carries bytecode that Python uses without compiling the source again."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from infra import precompile


def _package(folder: Path, runtime: str = precompile.RUNTIME) -> Path:
    package = folder / "deployment.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("app.py", "import lib.answer\nVALUE = lib.answer.VALUE\n")
        archive.writestr("lib/__init__.py", "")
        archive.writestr("lib/answer.py", "VALUE = 42\n")
        archive.writestr("lib/notes.txt", "not Python")
        archive.writestr("vendor/old.py", "print 'python 2'\n")
        # Bytecode from the developer's tree, in timestamp mode and stale: replaced, never kept.
        archive.writestr(f"lib/__pycache__/answer.{sys.implementation.cache_tag}.pyc", b"stale")
        archive.writestr(f"gone/__pycache__/removed.{sys.implementation.cache_tag}.pyc", b"stale")
    template = {"Resources": {"Api": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": runtime}}}}
    (folder / "sam.json").write_text(json.dumps(template), encoding="utf-8")
    return package


def test_every_module_gets_bytecode_where_python_looks_and_the_rest_is_kept(tmp_path: Path) -> None:
    package = _package(tmp_path)
    assert precompile.main([str(package)]) == 0
    names = set(zipfile.ZipFile(package).namelist())
    tag = sys.implementation.cache_tag
    assert {
        f"__pycache__/app.{tag}.pyc",
        f"lib/__pycache__/answer.{tag}.pyc",
        f"lib/__pycache__/__init__.{tag}.pyc",
    } <= names
    assert {"app.py", "lib/answer.py", "lib/notes.txt", "vendor/old.py"} <= names
    # Source that is not Python 3 is left alone (it would fail the same way if imported).
    assert f"vendor/__pycache__/old.{tag}.pyc" not in names
    assert f"gone/__pycache__/removed.{tag}.pyc" not in names
    assert zipfile.ZipFile(package).read(f"lib/__pycache__/answer.{tag}.pyc") != b"stale"


def test_the_unpacked_package_runs_from_its_bytecode_without_reading_the_source(tmp_path: Path) -> None:
    package = _package(tmp_path)
    precompile.main([str(package)])
    unpacked = tmp_path / "task"
    zipfile.ZipFile(package).extractall(unpacked)
    # Were the source read again, this would fail: the bytecode (unchecked hash) is what runs, as on Lambda.
    (unpacked / "lib" / "answer.py").write_text("raise SystemExit('compiled from source')\n", encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, "-B", "-c", "import app; print(app.VALUE)"], cwd=unpacked, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "42"


def test_running_it_twice_adds_nothing_twice(tmp_path: Path) -> None:
    package = _package(tmp_path)
    precompile.main([str(package)])
    first = sorted(zipfile.ZipFile(package).namelist())
    precompile.main([str(package)])
    assert sorted(zipfile.ZipFile(package).namelist()) == first


def test_bytecode_for_another_runtime_is_refused(tmp_path: Path) -> None:
    package = _package(tmp_path, runtime="python3.12")
    before = package.read_bytes()
    assert precompile.main([str(package)]) == 2
    assert package.read_bytes() == before
