"""A linear text classifier served in pure Python (no numpy) from a compact binary artefact.

Features (chalicelib/insights/text.py only): character n-grams within words of `normalise(text)`,
word unigrams and, optionally, word bigrams. Each feature's value is TF-IDF with sublinear tf
(1 + ln count) times a per-feature weight chosen at training (the idf, possibly scaled), and the
row is L2-normalised. Scores are `x · W[:, c] + b[c]`; probabilities are `softmax(scores / T)` with
the temperature T fitted on held-out folds at training (chalicelib/insights/train.py).

The artefact (`to_bytes` / `from_bytes`): the magic line `AWAAZ-TEXT-MODEL 1\\n`, then one zlib
stream holding
- a little-endian u32 length and a JSON header (labels, feature spec, temperature, per-class
  scale and bias, the metrics measured at training),
- a u32 length and the vocabulary, features joined by "\\n" (UTF-8; a feature never holds one),
- the per-feature weights as little-endian float32,
- the weight matrix as int8, feature-major (one row of len(labels) per feature), class c's real
  weight being `q * scale[c]`.

Scoring packs each feature's row of weights into one Python integer — a 32-bit field per class,
each weight offset by +128 so every field stays non-negative — and the row's value into a 12-bit
integer, so a text's scores for every class are one integer multiply-add per feature (done in C,
whatever the number of classes) and are read back field by field at the end.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from chalicelib.insights.text import char_ngrams, normalise, words

MAGIC = b"AWAAZ-TEXT-MODEL 1\n"
# Field width of one class in a packed row, and the fixed-point scale of a feature's value.
# A field holds Σ q·(w + 128) ≤ 255 · Σ q ≤ 255 · 2¹² · √(features) < 2³² while a text has fewer than
# `_MOST_FEATURES` known features (a text of 2,000 characters has a few thousand).
_FIELD_BYTES = 4
_VALUE_ONE = 1 << 12
_MOST_FEATURES = 1_000_000
# 1 + ln(count) for small counts.
_TF = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]


class ModelError(ValueError):
    """The bytes are not a text model this code can read."""


def feature_counts(text: str, spec: dict[str, Any]) -> Counter[str]:
    """The features of `text` and how often each occurs (char n-grams "c…", words "w…", bigrams "b…")."""
    norm = normalise(text)
    counts: Counter[str] = Counter()
    low, high = spec.get("char", (1, 5))
    if high:
        counts.update("c" + gram for gram in char_ngrams(norm, low, high))
    tokens = words(norm)
    if spec.get("words", True):
        counts.update("w" + w for w in tokens)
    if spec.get("bigrams", False) and len(tokens) > 1:
        counts.update("b" + a + " " + b for a, b in pairwise(tokens))
    return counts


def _le_array(code: str, raw: bytes) -> array:  # type: ignore[type-arg]
    values = array(code)
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    return values


class TextModel:
    """A trained linear classifier: `probabilities(text)` over `labels`, calibrated."""

    def __init__(
        self,
        header: dict[str, Any],
        vocabulary: list[str],
        feature_weights: Iterable[float],
        weights: bytes,
    ) -> None:
        self.header = header
        self.labels: list[str] = list(header["labels"])
        self.spec: dict[str, Any] = dict(header["spec"])
        self.temperature = float(header.get("temperature", 1.0))
        self._scale = [float(s) for s in header["scale"]]
        self._bias = [float(b) for b in header["bias"]]
        self._vocabulary = vocabulary
        self._kind_index: dict[str, dict[str, int]] = {"c": {}, "w": {}, "b": {}}
        for i, feature in enumerate(vocabulary):
            self._kind_index.setdefault(feature[:1], {})[feature[1:]] = i
        self._feature_weights = array("f", feature_weights)
        self._weights = weights  # int8, feature-major
        self._rows: dict[int, int] = {}  # packed rows, built on first use
        k = len(self.labels)
        if len(self._scale) != k or len(self._bias) != k or len(weights) != len(vocabulary) * k:
            raise ModelError("the model's parts do not agree in size")
        if len(self._feature_weights) != len(vocabulary):
            raise ModelError("the model's feature weights do not match its vocabulary")

    # -- the artefact -----------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return str(self.header.get("version", ""))

    @property
    def n_features(self) -> int:
        return len(self._vocabulary)

    def to_bytes(self) -> bytes:
        header = json.dumps(self.header, ensure_ascii=False, sort_keys=True).encode()
        vocabulary = "\n".join(self._vocabulary).encode()
        feature_weights = array("f", self._feature_weights)
        if sys.byteorder == "big":
            feature_weights.byteswap()
        payload = b"".join(
            (
                struct.pack("<I", len(header)),
                header,
                struct.pack("<I", len(vocabulary)),
                vocabulary,
                feature_weights.tobytes(),
                self._weights,
            )
        )
        return MAGIC + zlib.compress(payload, 9)

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        if not data.startswith(MAGIC):
            raise ModelError("not an Awaaz text model")
        try:
            payload = zlib.decompress(data[len(MAGIC) :])
            (size,) = struct.unpack_from("<I", payload, 0)
            at = 4
            header = json.loads(payload[at : at + size].decode())
            at += size
            (size,) = struct.unpack_from("<I", payload, at)
            at += 4
            text = payload[at : at + size].decode()
            at += size
        except (zlib.error, struct.error, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"damaged model: {error}") from error
        vocabulary = text.split("\n") if text else []
        n = len(vocabulary)
        feature_weights = _le_array("f", payload[at : at + 4 * n])
        at += 4 * n
        weights = payload[at:]
        return cls(header, vocabulary, feature_weights, weights)

    # -- prediction -------------------------------------------------------------------------------

    def _row(self, i: int) -> int:
        row = self._rows.get(i)
        if row is None:
            k = len(self.labels)
            # int8 → unsigned (+128, i.e. flip the top bit) in the low byte of each 32-bit field.
            raw = bytes(b ^ 0x80 for b in self._weights[i * k : (i + 1) * k])
            wide = bytearray(_FIELD_BYTES * k)
            wide[0::_FIELD_BYTES] = raw
            row = int.from_bytes(wide, "little")
            self._rows[i] = row
        return row

    def _found(self, text: str) -> list[tuple[int, float]]:
        """(feature index, 1 + ln tf · weight) of the text's known features — `feature_counts` without
        building the prefixed keys (each kind of feature looked up in its own index)."""
        norm = normalise(text)
        spec = self.spec
        fw = self._feature_weights
        tf = _TF
        found: list[tuple[int, float]] = []
        groups: list[tuple[Counter[str], dict[str, int]]] = []
        low, high = spec.get("char", (1, 5))
        if high:
            groups.append((Counter(char_ngrams(norm, low, high)), self._kind_index["c"]))
        tokens = words(norm)
        if spec.get("words", True):
            groups.append((Counter(tokens), self._kind_index["w"]))
        if spec.get("bigrams", False) and len(tokens) > 1:
            groups.append((Counter(a + " " + b for a, b in pairwise(tokens)), self._kind_index["b"]))
        for counts, index in groups:
            get = index.get
            for feature, count in counts.items():
                i = get(feature)
                if i is not None:
                    found.append((i, (tf[count] if count < len(tf) else 1.0 + math.log(count)) * fw[i]))
        return found

    def scores(self, text: str) -> list[float]:
        """The raw (uncalibrated) linear score of each label."""
        found = self._found(text)[:_MOST_FEATURES]
        norm2 = math.fsum(v * v for _, v in found)
        k = len(self.labels)
        if not found or norm2 <= 0.0:
            return list(self._bias)
        inv = _VALUE_ONE / math.sqrt(norm2)
        rows = self._rows
        total = 0
        offset = 0
        for i, value in found:
            q = int(value * inv + 0.5)
            if q:
                row = rows.get(i)
                if row is None:
                    row = self._row(i)
                total += q * row
                offset += q
        packed = total.to_bytes(_FIELD_BYTES * k, "little")
        out = []
        for c in range(k):
            field = int.from_bytes(packed[c * _FIELD_BYTES : (c + 1) * _FIELD_BYTES], "little")
            out.append((field - 128 * offset) * self._scale[c] / _VALUE_ONE + self._bias[c])
        return out

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """Every label with its calibrated probability, most likely first."""
        scores = self.scores(text)
        t = self.temperature or 1.0
        top = max(scores)
        exps = [math.exp((s - top) / t) for s in scores]
        total = sum(exps)
        ranked = sorted(zip(self.labels, (e / total for e in exps), strict=True), key=lambda p: (-p[1], p[0]))
        return ranked

    def top(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        return self.probabilities(text)[: max(k, 0)]

    def probability(self, text: str, label: str) -> float:
        return dict(self.probabilities(text)).get(label, 0.0)


def content_version(header: dict[str, Any], body: bytes) -> str:
    """A short, stable identity of a model's content (for `header["version"]`)."""
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode() + body).hexdigest()
    return digest[:12]
