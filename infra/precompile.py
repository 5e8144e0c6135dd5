"""Add compiled bytecode to the deployment package, so no cold start compiles the app's sources.

`chalice package` ships `.py` files only. Lambda unpacks the package on a read-only file
system, so Python can neither find nor write `__pycache__`: every cold start of every
function compiled each module it imported from source (for `import app`, about 200 ms of
the API's cold start on these machines, `make bench`). This writes, beside each `.py` in
the zip, the `__pycache__/<name>.cpython-311.pyc` Python itself would write, compiled in
unchecked-hash mode: Lambda's unpacked files carry no reliable modification time, and the
package is immutable, so the bytecode is used without looking at the source again.

Run by `make package` after `chalice package`; the bytecode's Python (3.11) must be the
functions' runtime, which this checks against the `sam.json` beside the package.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import marshal
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


def bytecode_path(source: str) -> str:
    """Where Python looks for the bytecode of `source` (a path inside the zip)."""
    path = PurePosixPath(source)
    tag = sys.implementation.cache_tag
    return str(path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc")


def compiled(source_bytes: bytes, name: str) -> bytes:
    """The bytecode file of one source, in unchecked-hash mode (PEP 552)."""
    code = compile(source_bytes, name, "exec", dont_inherit=True, optimize=0)
    data = bytearray(importlib.util.MAGIC_NUMBER)
    data += (0b01).to_bytes(4, "little")  # hash-based, not checked against the source
    data += importlib.util.source_hash(source_bytes)
    data += marshal.dumps(code)
    return bytes(data)


def precompile(package: Path) -> tuple[int, int]:
    """Rewrite `package` with bytecode beside each source; (sources compiled, sources left as they are)."""
    done = skipped = 0
    with tempfile.TemporaryDirectory() as scratch:
        rewritten = Path(scratch) / package.name
        with zipfile.ZipFile(package) as old, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                if "__pycache__/" in info.filename:
                    continue  # a developer's own bytecode (`chalice package` takes the tree as it is): written anew
                data = old.read(info)
                new.writestr(info, data)
                if not info.filename.endswith(".py"):
                    continue
                target = bytecode_path(info.filename)
                try:
                    code = compiled(data, info.filename)
                except (SyntaxError, ValueError):
                    # A file some library ships for another Python (templates, py2 leftovers): it is
                    # never imported, and Python would fail the same way at run time if it were.
                    skipped += 1
                    continue
                entry = zipfile.ZipInfo(target, date_time=info.date_time)
                entry.external_attr = info.external_attr
                entry.compress_type = zipfile.ZIP_DEFLATED
                new.writestr(entry, code)
                done += 1
        shutil.move(str(rewritten), package)
    return done, skipped


def runtimes(template: Path) -> set[str]:
    """The runtimes of the template's functions (`sam.json` beside the package)."""
    resources = json.loads(template.read_text(encoding="utf-8")).get("Resources", {})
    return {
        str(resource["Properties"].get("Runtime"))
        for resource in resources.values()
        if resource.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the deployment.zip `chalice package` wrote")
    args = parser.parse_args(argv)
    found = runtimes(args.package.with_name("sam.json"))
    if found != {RUNTIME}:
        wanted = ", ".join(sorted(found)) or "nothing"
        print(f"precompile: the functions run {wanted} but this is {RUNTIME}; bytecode would not load", file=sys.stderr)
        return 2
    done, skipped = precompile(args.package)
    print(f"precompile: {done} modules compiled for {RUNTIME} into {args.package} ({skipped} not Python 3 source)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
