"""The operator's classifier tools (`make insights-train`, `insights-predict`, `insights-eval`, `insights-models`).

    python -m chalicelib.insights.tool train --in complaints.csv --model models/category
    python -m chalicelib.insights.tool predict --model models/category --in new.csv --out suggested.csv
    python -m chalicelib.insights.tool eval
    python -m chalicelib.insights.tool models          # the shipped artefacts, chalicelib/data/insights/models/

A problem with the input ends the tool with exit status 2 and one line naming it (never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chalicelib.insights.model import ModelError, TextModel

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "chalicelib" / "data" / "insights"
SEED = DATA / "seed-complaints.csv"
SHIPPED = DATA / "models"
RUHSOLD = ROOT / "infra" / "data" / "ruhsold"
OWN_MODERATION = ROOT / "infra" / "data" / "moderation" / "moderation-en-ur.csv"
MODEL_FILE = "model.bin"
# RUHSOLD's task 1 labels and ours (0 = abusive/offensive, 1 = normal).
MODERATION_LABELS = {"0": "abusive", "1": "normal"}
ABUSIVE = "abusive"

csv.field_size_limit(10_000_000)


class ToolError(Exception):
    """A problem with the operator's input, reported in one line."""


# -- reading -----------------------------------------------------------------------------------------


def read_csv(path: str | Path, required: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV with a header holding at least `required` (other columns are kept, unused)."""
    path = Path(path)
    if not path.exists():
        raise ToolError(f"{path}: no such file")
    if path.is_dir():
        raise ToolError(f"{path}: is a directory, not a CSV file")
    raw = path.read_bytes()
    if not raw.strip():
        raise ToolError(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ToolError(f"{path}: not UTF-8 (byte {error.start} cannot be decoded); save it as UTF-8") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - caught by the empty check
        raise ToolError(f"{path}: the file is empty") from None
    except csv.Error as error:
        raise ToolError(f"{path}: not a readable CSV ({error})") from error
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    if not any(name in names for name in required):
        raise ToolError(f"{path}: no header row; the first line must name the columns ({','.join(required)})")
    for name in required:
        if name not in names:
            raise ToolError(f"{path}: missing column '{name}' in the header ({','.join(header)})")
    rows = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            rows.append({name: (record[i] if i < len(record) else "") for i, name in enumerate(names)})
    except csv.Error as error:
        raise ToolError(f"{path}: not a readable CSV at line {reader.line_num} ({error})") from error
    return rows


def load_model(directory: str | Path) -> TextModel:
    directory = Path(directory)
    path = directory / MODEL_FILE if directory.is_dir() else directory
    if not directory.exists():
        raise ToolError(f"{directory}: no such model directory")
    if not path.is_file():
        raise ToolError(
            f"{directory}: no model in this directory (expected {MODEL_FILE}; train one with make insights-train)"
        )
    try:
        return TextModel.from_bytes(path.read_bytes())
    except ModelError as error:
        raise ToolError(f"{path}: {error}") from error


# -- train / predict ---------------------------------------------------------------------------------


def train_csv(source: str | Path, directory: str | Path) -> dict[str, Any]:
    from chalicelib.insights.train import train

    rows = read_csv(source, ("text", "category"))
    usable = [r for r in rows if r["text"].strip() and r["category"].strip()]
    if not usable:
        raise ToolError(f"{source}: no rows with text and a category")
    if len({r["category"].strip() for r in usable}) < 2:
        raise ToolError(f"{source}: fewer than two categories; a classifier needs at least two")
    trained = train([r["text"] for r in usable], [r["category"] for r in usable])
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise ToolError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    data = trained.model.to_bytes()
    (out / MODEL_FILE).write_bytes(data)
    summary = {
        "model": str(out / MODEL_FILE),
        "version": trained.model.version,
        "labels": len(trained.model.labels),
        "rows": len(usable),
        "skipped_rows": len(rows) - len(usable),
        "features": trained.model.n_features,
        "bytes": len(data),
        "temperature": round(trained.model.temperature, 4),
        "seconds": round(trained.seconds, 2),
    }
    (out / "model.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def predict_csv(directory: str | Path, source: str | Path, target: str | Path) -> int:
    model = load_model(directory)
    rows = read_csv(source, ("id", "text"))
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "category_1", "score_1", "category_2", "score_2", "category_3", "score_3"])
        for row in rows:
            cells = [row["id"]]
            for label, score in model.top(row["text"], 3):
                cells += [label, f"{min(max(score, 0.0), 1.0):.4f}"]
            cells += [""] * (7 - len(cells))
            writer.writerow(cells)
    return len(rows)


# -- the shipped models and the evaluation -----------------------------------------------------------


def ruhsold(name: str) -> list[tuple[str, str]]:
    """(text, abusive|normal) rows of one RUHSOLD task-1 file (text TAB label, no header)."""
    rows = []
    for line in (RUHSOLD / name).read_text(encoding="utf-8").splitlines():
        text, _, label = line.rstrip("\r").rpartition("\t")
        if text.strip() and label.strip() in MODERATION_LABELS:
            rows.append((text, MODERATION_LABELS[label.strip()]))
    return rows


def own_moderation() -> list[tuple[str, str]]:
    if not OWN_MODERATION.exists():
        return []
    return [
        (r["text"], MODERATION_LABELS[r["label"].strip()])
        for r in read_csv(OWN_MODERATION, ("text", "label"))
        if r["text"].strip() and r["label"].strip() in MODERATION_LABELS
    ]


def moderation_options() -> Any:
    from chalicelib.insights.train import Options

    # Chosen on RUHSOLD's validation file (docs/insights.md): NB-scaled features, C = 1.
    return Options(c=1.0, nb_weight=1.0)


def category_split(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    """80/20 by time when the rows are dated, else each category's first 80 % in writing order / last 20 %."""
    date_column = next((c for c in ("created_at", "date", "filed_at") if rows and c in rows[0]), None)
    if date_column and all(r[date_column].strip() for r in rows):
        ordered = sorted(rows, key=lambda r: r[date_column])
        cut = math.ceil(0.8 * len(ordered))
        return (
            ordered[:cut],
            ordered[cut:],
            f"time-ordered: the oldest 80 % by {date_column} train, the newest 20 % test",
        )
    train_rows, test_rows = [], []
    by_category: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_category.setdefault(r["category"].strip(), []).append(r)
    for group in by_category.values():
        cut = math.ceil(0.8 * len(group))
        train_rows += group[:cut]
        test_rows += group[cut:]
    return (
        train_rows,
        test_rows,
        "the seed corpus has no dates: each category's first 80 % of rows in writing order train, the last 20 % test",
    )


def evaluate_category(source: Path = SEED) -> dict[str, Any]:
    from chalicelib.insights.train import evaluate, train

    rows = [r for r in read_csv(source, ("text", "category")) if r["text"].strip() and r["category"].strip()]
    train_rows, test_rows, how = category_split(rows)
    trained = train([r["text"] for r in train_rows], [r["category"] for r in train_rows])
    truth = [r["category"].strip() for r in test_rows]
    result = evaluate(trained.model, [r["text"] for r in test_rows], truth, k=3)
    from chalicelib.insights.serving import SUGGESTION_CONFIDENCE

    tops = [trained.model.top(r["text"], 1)[0] for r in test_rows]
    sure = [(label == t) for (label, p), t in zip(tops, truth, strict=True) if p >= SUGGESTION_CONFIDENCE]
    return {
        "top1": result["top1"],
        "top3": result["top3"],
        "macro_f1": result["macro_f1"],
        "n_train": len(train_rows),
        "n_test": len(test_rows),
        "labels": len(trained.model.labels),
        "split": how,
        "source": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else str(source),
        "train_seconds": round(trained.seconds, 2),
        "suggestion_confidence": {
            "threshold": SUGGESTION_CONFIDENCE,
            "share_at_or_above": round(len(sure) / len(tops), 4) if tops else None,
            "top1_at_or_above": round(sum(sure) / len(sure), 4) if sure else None,
            "mean_top1_confidence": round(sum(p for _, p in tops) / len(tops), 4) if tops else None,
        },
    }


def evaluate_moderation(model: TextModel | None = None) -> dict[str, Any]:
    from chalicelib.insights.serving import MODERATION_THRESHOLD
    from chalicelib.insights.train import score_predictions

    origin = "shipped"
    if model is None:
        shipped = SHIPPED / "moderation.bin"
        if shipped.exists():
            model = TextModel.from_bytes(shipped.read_bytes())
        else:
            model, origin = build_moderation()[0], "trained now"
    test = ruhsold("task_1_test.tsv")
    decided = []
    for text, _ in test:
        p = model.probability(text, ABUSIVE)
        decided.append([ABUSIVE if p >= MODERATION_THRESHOLD else "normal"])
    result = score_predictions(decided, [label for _, label in test], k=1)
    return {
        "macro_f1": result["macro_f1"],
        "per_class": {
            name: {"precision": v["precision"], "recall": v["recall"], "n": v["n"]}
            for name, v in result["per_label"].items()
        },
        "threshold": MODERATION_THRESHOLD,
        "n_test": len(test),
        "test": "RUHSOLD task_1_test.tsv (never trained on)",
        "model": origin,
        "trained_on": model.header.get("trained_on"),
        "version": model.version,
    }


def build_moderation() -> tuple[TextModel, float]:
    from chalicelib.insights.train import train

    rows = ruhsold("task_1_train.tsv") + ruhsold("task_1_validation.tsv")
    own = own_moderation()
    trained = train([t for t, _ in rows + own], [label for _, label in rows + own], moderation_options())
    trained.model.header["trained_on"] = (
        f"RUHSOLD task 1 train+validation ({len(rows)}) + our English/Urdu examples ({len(own)})"
    )
    return trained.model, trained.seconds


def build_category() -> tuple[TextModel, float]:
    from chalicelib.insights.train import train

    rows = [r for r in read_csv(SEED, ("text", "category")) if r["text"].strip() and r["category"].strip()]
    trained = train([r["text"] for r in rows], [r["category"] for r in rows])
    trained.model.header["trained_on"] = f"seed corpus ({len(rows)} rows)"
    return trained.model, trained.seconds


def build_models() -> dict[str, Any]:
    SHIPPED.mkdir(parents=True, exist_ok=True)
    report = {}
    for name, build in (("category", build_category), ("moderation", build_moderation)):
        model, seconds = build()
        data = model.to_bytes()
        (SHIPPED / f"{name}.bin").write_bytes(data)
        started = time.perf_counter()
        TextModel.from_bytes(data).top("load check", 1)
        report[name] = {
            "bytes": len(data),
            "labels": len(model.labels),
            "features": model.n_features,
            "train_seconds": round(seconds, 1),
            "load_seconds": round(time.perf_counter() - started, 3),
            "temperature": round(model.temperature, 3),
            "version": model.version,
        }
    return report


def evaluate_all() -> dict[str, Any]:
    from chalicelib.insights.spikes import evaluate_fixmystreet

    return {"category": evaluate_category(), "moderation": evaluate_moderation(), "spikes": evaluate_fixmystreet()}


# -- command line ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.insights.tool", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p_train = commands.add_parser("train", help="train a category model from a CSV with text,category")
    p_train.add_argument("--in", dest="source", required=True)
    p_train.add_argument("--model", required=True)
    p_predict = commands.add_parser("predict", help="the three likeliest categories of each row of a CSV with id,text")
    p_predict.add_argument("--model", required=True)
    p_predict.add_argument("--in", dest="source", required=True)
    p_predict.add_argument("--out", required=True)
    commands.add_parser("eval", help="category, moderation and spike evaluation as JSON")
    commands.add_parser("models", help="build the shipped artefacts in chalicelib/data/insights/models/")
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            if not args.source or not args.model:
                raise ToolError("usage: make insights-train IN=<csv> MODEL=<dir>")
            print(json.dumps(train_csv(args.source, args.model), ensure_ascii=False))
        elif args.command == "predict":
            if not args.source or not args.model or not args.out:
                raise ToolError("usage: make insights-predict MODEL=<dir> IN=<csv> OUT=<csv>")
            count = predict_csv(args.model, args.source, args.out)
            print(f"{count} rows written to {args.out}")
        elif args.command == "eval":
            print(json.dumps(evaluate_all(), indent=2, ensure_ascii=False))
        else:
            print(json.dumps(build_models(), indent=2))
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 2
    except ValueError as error:  # the trainer's own refusals (no features …)
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
