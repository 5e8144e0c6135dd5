"""The operator's classifier tools through make (docs/insights.md): a round trip and a clear error."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

from tests.unit.test_insights_classifier import FRUIT, write_csv

REPO = Path(__file__).resolve().parents[2]


def make(*args: str) -> subprocess.CompletedProcess[str]:
    # -o: never rebuild the virtualenv stamp from here.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_make_insights_train_then_predict(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ["text", "category", "notes"], [[t, c, "x, y"] for t, c in FRUIT])
    done = make("insights-train", f"IN={source}", f"MODEL={tmp_path / 'model'}")
    assert done.returncode == 0, done.stderr
    new = write_csv(tmp_path / "new.csv", ["id", "text"], [["7", "ایک پکا ہوا آم"], ["8", "the train was late"]])
    out = tmp_path / "out.csv"
    done = make("insights-predict", f"MODEL={tmp_path / 'model'}", f"IN={new}", f"OUT={out}")
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[:2] for r in rows[1:]] == [["7", "fruit"], ["8", "transport"]]


def test_make_insights_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ["text", "label"], [["mango", "fruit"]])
    done = make("insights-train", f"IN={source}", f"MODEL={tmp_path / 'model'}")
    assert done.returncode == 2
    # The tool's one line (make adds its own "*** Error 2" after it).
    first = done.stderr.splitlines()[0]
    assert first.startswith("error: ") and first.endswith("missing column 'category' in the header (text,label)")
    assert "Traceback" not in done.stderr
    done = make("insights-predict", f"MODEL={tmp_path}", f"IN={source}", f"OUT={tmp_path / 'o.csv'}")
    assert done.returncode == 2 and "no model in this directory" in done.stderr
    assert make("insights-train").returncode == 2
