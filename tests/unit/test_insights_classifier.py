"""The text classifier: artefact, trainer, operator tool (errors and a round trip), serving, weekly retraining."""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path
from typing import Any

import pytest

from chalicelib.insights import serving, tool
from chalicelib.insights.model import ModelError, TextModel
from chalicelib.insights.train import Options, evaluate, logits, matrix, train
from chalicelib.logic.ports import StoredModel

FRUIT = [
    ("The mango pulp was sweet and ripe, a yellow summer mango", "fruit"),
    ("آم بہت میٹھا اور پکا ہوا تھا", "fruit"),
    ("aam bohat meetha tha, mango season", "fruit"),
    ("Bananas and apples, fresh fruit at the market", "fruit"),
    ("The bus to Lahore was late again, route 12 bus stop", "transport"),
    ("بس اسٹاپ پر بس دو گھنٹے لیٹ آئی", "transport"),
    ("bus late thi, route 12 ki bus stop par intezar", "transport"),
    ("The train to Karachi, the railway platform was crowded", "transport"),
    ("Cricket match, the batsman hit a six at the stadium", "sport"),
    ("کرکٹ میچ میں بلے باز نے چھکا مارا", "sport"),
    ("cricket match mein chakka, stadium full tha", "sport"),
    ("Hockey and football at the sports ground", "sport"),
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def fruit_model() -> TextModel:
    trained = train([t for t, _ in FRUIT], [c for _, c in FRUIT], Options(folds=2))
    return TextModel.from_bytes(trained.model.to_bytes())


# -- the model and the trainer -----------------------------------------------------------------------


def test_artefact_round_trip_keeps_every_prediction(fruit_model: TextModel) -> None:
    again = TextModel.from_bytes(fruit_model.to_bytes())
    assert again.labels == fruit_model.labels == ["fruit", "sport", "transport"]
    assert again.version == fruit_model.version and again.version
    for text, _ in FRUIT:
        assert again.probabilities(text) == fruit_model.probabilities(text)


def test_probabilities_are_calibrated_distribution_most_likely_first(fruit_model: TextModel) -> None:
    ranked = fruit_model.probabilities("the bus was late at the stop")
    assert next(label for label, _ in ranked) == "transport"
    assert math.isclose(sum(p for _, p in ranked), 1.0, rel_tol=1e-9)
    assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)
    assert fruit_model.top("mango", 2) == ranked[:0] + fruit_model.probabilities("mango")[:2]
    assert fruit_model.temperature > 0


def test_urdu_letter_forms_and_roman_spellings_reach_the_same_class(fruit_model: TextModel) -> None:
    # Arabic kaf/yeh typed for Urdu ک/ی, and a stretched Roman Urdu spelling.
    assert fruit_model.top("كركٹ ميچ", 1)[0][0] == "sport"
    assert fruit_model.top("bussss lateee", 1)[0][0] == "transport"


def test_pure_python_scores_match_the_trainers_within_quantisation() -> None:
    import numpy as np

    from chalicelib.insights.model import feature_counts
    from chalicelib.insights.train import fit

    texts, labels = [t for t, _ in FRUIT], [c for _, c in FRUIT]
    trained = train(texts, labels, Options(folds=0))
    model = trained.model
    counts = [feature_counts(t, model.spec) for t in texts]
    vocabulary = model._vocabulary
    x = matrix(counts, vocabulary, np.asarray(model._feature_weights))
    y = np.asarray([model.labels.index(c) for c in labels])
    w, b = fit(x, y, len(model.labels), Options(folds=0))
    assert w.shape[1] == 3 and b.shape == (3,)
    for i, text in enumerate(texts):
        scores = model.scores(text)
        assert len(scores) == 3
        assert int(np.argmax(scores)) == y[i]
    assert logits(x, w, b).shape == (len(texts), 3)


def test_two_labels_a_lone_example_and_empty_texts() -> None:
    texts = ["good service thank you", "great help", "shukriya acha kaam", "", "   ", "you idiot", "bakwas log"]
    labels = ["normal", "normal", "normal", "normal", "abusive", "abusive", "rare"]
    model = train(texts, labels, Options(folds=0)).model
    assert model.labels == ["abusive", "normal", "rare"]  # "rare" has one row and is kept
    assert model.header["rows"] == 5  # the two blank texts are skipped
    assert model.probability("thank you", "normal") > model.probability("thank you", "abusive")


def test_a_text_without_known_features_gets_the_prior(fruit_model: TextModel) -> None:
    ranked = fruit_model.probabilities("!!!")
    assert len(ranked) == 3 and math.isclose(sum(p for _, p in ranked), 1.0)


def test_the_trainer_refuses_unusable_input() -> None:
    with pytest.raises(ValueError, match="no rows with text"):
        train(["", " "], ["a", "b"])
    with pytest.raises(ValueError, match="fewer than two labels"):
        train(["one", "two"], ["a", "a"])


def test_the_artefact_is_bounded_whatever_the_number_of_labels() -> None:
    from collections import Counter

    from chalicelib.insights.train import MAX_WEIGHT_BYTES, choose_vocabulary

    rows = [Counter({f"c{i}-{j}": 1 for j in range(50)}) for i in range(400)]
    vocabulary = choose_vocabulary(rows, 500, Options(min_df=1))
    assert len(vocabulary) * 500 <= MAX_WEIGHT_BYTES


def test_damaged_bytes_are_refused() -> None:
    with pytest.raises(ModelError):
        TextModel.from_bytes(b"not a model")
    with pytest.raises(ModelError):
        TextModel.from_bytes(b"AWAAZ-TEXT-MODEL 1\ngarbage")


def test_evaluate_reports_top1_top3_and_macro_f1(fruit_model: TextModel) -> None:
    result = evaluate(fruit_model, [t for t, _ in FRUIT], [c for _, c in FRUIT], k=3)
    assert result["top3"] == 1.0 and result["top1"] >= 0.9 and result["macro_f1"] >= 0.9


# -- the operator tool ------------------------------------------------------------------------------


def run_tool(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = tool.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_and_predict_round_trip_with_quoted_commas_newlines_and_urdu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[text, label, "x"] for text, label in FRUIT]
    rows.append(['A "quoted" mango, with commas,\nand a second line', "fruit", "en"])
    source = write_csv(tmp_path / "train.csv", ["language", "text", "category"], [[r[2], r[0], r[1]] for r in rows])
    code, _, err = run_tool(capsys, "train", "--in", str(source), "--model", str(tmp_path / "m" / "cat"))
    assert code == 0, err
    assert (tmp_path / "m" / "cat" / "model.bin").is_file()
    new = write_csv(
        tmp_path / "new.csv",
        ["id", "text", "extra"],
        [["1", "ripe mango, sweet\nvery sweet", ""], ["2", "بس لیٹ ہے", ""], ["3", "", ""], ["4", "cricket, six!", ""]],
    )
    code, _out, err = run_tool(
        capsys, "predict", "--model", str(tmp_path / "m" / "cat"), "--in", str(new), "--out", str(tmp_path / "out.csv")
    )
    assert code == 0, err
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        result = list(csv.reader(fh))
    assert result[0] == ["id", "category_1", "score_1", "category_2", "score_2", "category_3", "score_3"]
    assert [r[0] for r in result[1:]] == ["1", "2", "3", "4"]  # every row, blank text included
    assert [r[1] for r in result[1:]][:2] == ["fruit", "transport"] and result[4][1] == "sport"
    for row in result[1:]:
        scores = [float(row[i]) for i in (2, 4, 6)]
        assert all(0.0 <= s <= 1.0 for s in scores) and scores == sorted(scores, reverse=True)
        assert sorted(row[i] for i in (1, 3, 5)) == ["fruit", "sport", "transport"]


def test_predict_with_two_labels_leaves_the_third_cells_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[t, c] for t, c in FRUIT if c != "sport"]
    source = write_csv(tmp_path / "train.csv", ["text", "category"], rows)
    assert run_tool(capsys, "train", "--in", str(source), "--model", str(tmp_path / "m"))[0] == 0
    new = write_csv(tmp_path / "new.csv", ["id", "text"], [["a", "mango"]])
    assert (
        run_tool(capsys, "predict", "--model", str(tmp_path / "m"), "--in", str(new), "--out", str(tmp_path / "o.csv"))[
            0
        ]
        == 0
    )
    with open(tmp_path / "o.csv", encoding="utf-8", newline="") as fh:
        row = list(csv.reader(fh))[1]
    assert row[1] == "fruit" and row[5] == "" and row[6] == ""


def _one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    for word in words:
        assert word in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, ("no such file",)),
        (b"", ("empty",)),
        (b"  \n\n", ("empty",)),
        (b"mango is sweet,fruit\nbus is late,transport\n", ("no header",)),
        (b"text,label\nmango,fruit\n", ("missing column 'category'",)),
        (b"text,category\n,fruit\n  ,transport\n", ("no rows with text",)),
        (b"text,category\nmango,fruit\nbanana,fruit\n", ("fewer than two",)),
        ("text,category\nآم,fruit\n".encode("utf-16"), ("not UTF-8",)),
        (b"text,category\n\xff\xfe mango,fruit\n", ("not UTF-8",)),
    ],
)
def test_train_errors_are_one_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, words: tuple[str, ...]
) -> None:
    source = tmp_path / "in.csv"
    if content is not None:
        source.write_bytes(content)
    code, _, err = run_tool(capsys, "train", "--in", str(source), "--model", str(tmp_path / "m"))
    _one_line_error(code, err, *words)


def test_predict_errors_name_the_missing_model_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    new = write_csv(tmp_path / "new.csv", ["id", "text"], [["1", "x"]])
    code, _, err = run_tool(
        capsys, "predict", "--model", str(empty_dir), "--in", str(new), "--out", str(tmp_path / "o.csv")
    )
    _one_line_error(code, err, "no model")
    code, _, err = run_tool(
        capsys, "predict", "--model", str(tmp_path / "absent"), "--in", str(new), "--out", str(tmp_path / "o.csv")
    )
    _one_line_error(code, err, "no such model directory")
    source = write_csv(tmp_path / "train.csv", ["text", "category"], [[t, c] for t, c in FRUIT])
    assert run_tool(capsys, "train", "--in", str(source), "--model", str(tmp_path / "m"))[0] == 0
    no_id = write_csv(tmp_path / "noid.csv", ["text"], [["x"]])
    code, _, err = run_tool(
        capsys, "predict", "--model", str(tmp_path / "m"), "--in", str(no_id), "--out", str(tmp_path / "o.csv")
    )
    _one_line_error(code, err, "missing column 'id'")
    (tmp_path / "bad" / "model.bin").parent.mkdir()
    (tmp_path / "bad" / "model.bin").write_bytes(b"junk")
    code, _, err = run_tool(
        capsys, "predict", "--model", str(tmp_path / "bad"), "--in", str(new), "--out", str(tmp_path / "o.csv")
    )
    _one_line_error(code, err, "not an Awaaz text model")


def test_category_split_is_per_category_in_writing_order_without_dates() -> None:
    rows = [{"text": f"t{i}", "category": "a" if i < 10 else "b"} for i in range(15)]
    train_rows, test_rows, how = tool.category_split(rows)
    assert [r["text"] for r in test_rows] == ["t8", "t9", "t14"]
    assert len(train_rows) == 12 and "writing order" in how


# -- serving ----------------------------------------------------------------------------------------


class MemoryModels:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.fetches: list[tuple[str, str | None]] = []

    def fetch(self, name: str, etag: str | None = None) -> StoredModel | None:
        self.fetches.append((name, etag))
        if name not in self.objects:
            return None
        data, current = self.objects[name]
        return StoredModel(data=None if etag == current else data, etag=current)

    def publish(self, name: str, data: bytes) -> str:
        etag = f'"{len(self.objects)}-{len(data)}"'
        self.objects[name] = (data, etag)
        return etag


def category_model(retired_too: bool = True) -> TextModel:
    texts = [
        "my electricity bill is too high, overbilling",
        "bijli ka bill zyada aya",
        "بجلی کا بل بہت زیادہ",
        "power cut, no electricity fault in the line",
        "bijli band hai, fault",
        "بجلی بند ہے",
        "the water pipe burst",
        "pani nahi aa raha",
        "پانی نہیں آرہا",
    ]
    labels = ["electricity-overbilling"] * 3 + ["electricity-fault"] * 3 + ["unknown-category"] * 3
    return train(texts, labels, Options(folds=0)).model


@pytest.fixture
def services_with_models() -> Any:
    from tests.fakes import make_services

    serving.forget()
    services, _, _ = make_services()
    services.models = MemoryModels()
    yield services
    serving.forget()


def test_suggest_only_names_live_directory_categories(services_with_models: Any) -> None:
    services = services_with_models
    services.models.publish("category", category_model().to_bytes())
    suggestions = serving.suggest(services, "bijli ka bill bohat zyada hai", k=3)
    assert suggestions and suggestions[0][0] == "electricity-overbilling"
    assert {c for c, _ in suggestions} <= {"electricity-overbilling", "electricity-fault"}
    assert [p for _, p in suggestions] == sorted((p for _, p in suggestions), reverse=True)
    assert serving.suggest(services, "   ") == []
    assert len(serving.suggest(services, "bill", k=1)) == 1


def test_without_a_model_serving_answers_nothing_and_does_not_raise(services_with_models: Any) -> None:
    services = services_with_models
    assert serving.suggest(services, "bijli ka bill") == []
    assert serving.moderate(services, "you idiot") == 0.0
    services.models = None
    serving.forget()
    assert serving.suggest(services, "bijli ka bill") == []
    assert serving.moderate(services, "you idiot") == 0.0


def test_a_broken_store_or_artefact_is_logged_not_raised(services_with_models: Any) -> None:
    services = services_with_models
    services.models.objects["category"] = (b"junk", '"1"')
    assert serving.suggest(services, "bill") == []

    class Broken(MemoryModels):
        def fetch(self, name: str, etag: str | None = None) -> StoredModel | None:
            raise RuntimeError("S3 is down")

    services.models = Broken()
    serving.forget()
    assert serving.moderate(services, "text") == 0.0


def test_models_are_loaded_once_and_rechecked_by_etag(
    services_with_models: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_with_models
    store: MemoryModels = services.models
    moderation = train(
        ["you idiot", "bakwas ghatiya log", "thank you for the help", "shukriya", "kutta", "acha kaam"],
        ["abusive", "abusive", "normal", "normal", "abusive", "normal"],
        Options(folds=0),
    ).model
    store.publish("moderation", moderation.to_bytes())
    first = serving.moderate(services, "you idiot")
    assert 0.5 < first <= 1.0
    serving.moderate(services, "thank you")
    assert store.fetches == [("moderation", None)]  # one load, no re-check within the interval
    clock = [time.monotonic() + serving.RECHECK_SECONDS + 1]
    monkeypatch.setattr("chalicelib.insights.serving.time.monotonic", lambda: clock[0])
    serving.moderate(services, "you idiot")
    etag = store.objects["moderation"][1]
    assert store.fetches[-1] == ("moderation", etag)  # re-checked with its ETag, not reloaded
    swapped = train(["x y", "y z", "a b", "b c"], ["abusive", "abusive", "normal", "normal"], Options(folds=0)).model
    store.publish("moderation", swapped.to_bytes())
    clock[0] += serving.RECHECK_SECONDS + 1
    serving.moderate(services, "x")
    assert serving.current_model(services, "moderation") is not None
    assert serving.current_model(services, "moderation").version == swapped.version  # type: ignore[union-attr]


# -- the weekly retraining --------------------------------------------------------------------------


def test_retraining_reads_closed_cases_final_category_and_publishes(
    services_with_models: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from chalicelib.insights import jobs, retrain
    from chalicelib.store.cases import case_item, get_case
    from tests.fakes import routed_complaint

    services = services_with_models
    seed = write_csv(
        tmp_path / "seed.csv",
        ["text", "category", "language"],
        [
            ["bijli ka bill bohat zyada", "electricity-overbilling", "roman"],
            ["my bill is wrong, overbilling", "electricity-overbilling", "en"],
            ["no power since morning, fault", "electricity-fault", "en"],
            ["a category the directory has not", "gone-category", "en"],
        ],
    )
    monkeypatch.setattr(retrain, "SEED", seed)
    case_id = routed_complaint(services)
    case = get_case(services.table, case_id)
    assert case is not None
    # Filed as over-billing, corrected to a fault and closed: it trains the fault.
    closed = case.model_copy(
        update={"status": "closed", "category_id": "electricity-fault", "description": "transformer blew, bijli band"}
    )
    services.table.put_many([case_item(closed)])
    now = datetime.fromisoformat(case.created_at.replace("Z", "+00:00")).astimezone(UTC)
    assert retrain.due(datetime(2026, 12, 6, 21, 0, tzinfo=UTC)) and not retrain.due(
        datetime(2026, 12, 7, 21, 0, tzinfo=UTC)
    )
    report = jobs.run_due(services, now, only="category-model")["category-model"]
    assert report["case_rows"] == 1 and report["seed_rows"] == 3 and report["labels"] == 2
    model = TextModel.from_bytes(services.models.objects["category"][0])
    assert model.labels == ["electricity-fault", "electricity-overbilling"]
    assert "closed complaints (1)" in model.header["trained_on"]
