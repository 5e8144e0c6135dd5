"""Training the text classifier of chalicelib/insights/model.py (numpy, imported inside functions only).

Multinomial logistic regression (softmax; two labels are the same code) on sparse TF-IDF rows,
class-balanced (each label weighs the same in the loss whatever its number of rows) with an L2
penalty, fitted full-batch by L-BFGS — deterministic: no sampling, no random start. The softmax
temperature is then fitted on held-out folds (the model retrained without each fold scores it),
and the final model is trained on every row. Weights are quantised to int8 with a scale per class
and features whose weights all round to zero are dropped; the vocabulary is bounded so that
features × labels stays within `MAX_WEIGHT_BYTES` whatever the number of labels.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.insights.model import TextModel, content_version, feature_counts

if TYPE_CHECKING:
    import numpy as np

# The int8 weight matrix stays within this (the artefact ≤ 20 MB with its vocabulary, any number of labels).
MAX_WEIGHT_BYTES = 16_000_000
DEFAULT_SPEC: dict[str, Any] = {"char": [1, 5], "words": True, "bigrams": True}


@dataclass
class Options:
    spec: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SPEC))
    c: float = 64.0  # inverse L2 strength, as in scikit-learn's C (loss = C·Σ wᵢ·CEᵢ + ½‖W‖²)
    max_features: int = 300_000
    min_df: int | None = None  # None: 2 from 2,000 rows, else 1
    max_iter: int = 200
    folds: int = 3  # held-out folds for the temperature (0: no calibration, T = 1)
    nb_weight: float = 0.0  # binary only: features scaled by |log-count ratio|^nb_weight (NBSVM); 0 = off
    balanced: bool = True


@dataclass
class Corpus:
    """Rows as sparse TF-IDF features over a vocabulary (CSR as numpy arrays)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    n_features: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


# -- features ----------------------------------------------------------------------------------------


def choose_vocabulary(counts: Sequence[Counter[str]], n_labels: int, options: Options) -> list[str]:
    """Features in at least min_df rows, the most frequent first, bounded by features × labels."""
    df: Counter[str] = Counter()
    for row in counts:
        df.update(row.keys())
    min_df = options.min_df if options.min_df is not None else (2 if len(counts) >= 2000 else 1)
    limit = min(options.max_features, MAX_WEIGHT_BYTES // max(n_labels, 2))
    kept = [f for f, n in df.items() if n >= min_df]
    kept.sort(key=lambda f: (-df[f], f))
    return sorted(kept[:limit])


def idf(counts: Sequence[Counter[str]], vocabulary: list[str]) -> np.ndarray:
    import numpy as np

    index = {f: i for i, f in enumerate(vocabulary)}
    df = np.zeros(len(vocabulary))
    for row in counts:
        for f in row:
            i = index.get(f)
            if i is not None:
                df[i] += 1
    n = len(counts)
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def matrix(counts: Sequence[Counter[str]], vocabulary: list[str], weights: np.ndarray) -> Corpus:
    """CSR rows of (1 + ln tf) · weight, L2-normalised — exactly what TextModel.scores computes."""
    import numpy as np

    index = {f: i for i, f in enumerate(vocabulary)}
    indptr = [0]
    cols: list[int] = []
    tfs: list[float] = []
    for row in counts:
        for f, n in row.items():
            i = index.get(f)
            if i is not None:
                cols.append(i)
                tfs.append(1.0 + math.log(n))
        indptr.append(len(cols))
    indices = np.asarray(cols, dtype=np.int64)
    ptr = np.asarray(indptr, dtype=np.int64)
    # float32 weights: the artefact stores them so, and training must see the same values.
    data = np.asarray(tfs) * weights.astype(np.float32).astype(np.float64)[indices]
    rows = np.repeat(np.arange(len(counts)), np.diff(ptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(counts)))
    safe = np.where(norms > 0, norms, 1.0)
    data = data / safe[rows]
    return Corpus(data=data, indices=indices, indptr=ptr, n_features=len(vocabulary))


def subset(corpus: Corpus, rows: np.ndarray) -> Corpus:
    import numpy as np

    starts = corpus.indptr[rows]
    ends = corpus.indptr[rows + 1]
    lengths = ends - starts
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    take = (
        np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)]) if len(rows) else np.zeros(0, int)
    )
    return Corpus(data=corpus.data[take], indices=corpus.indices[take], indptr=ptr, n_features=corpus.n_features)


# -- the optimiser -----------------------------------------------------------------------------------


def spmm(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Row i of the result = Σ data[j] · m[indices[j]] over j in indptr[i]:indptr[i+1] (CSR × dense).

    In chunks of about 64k stored values, so the gathered rows stay small instead of one
    nnz × labels array (eight times faster on the seed corpus, measured).
    """
    import numpy as np

    out = np.zeros((len(indptr) - 1, m.shape[1]), dtype=m.dtype)
    segments = np.flatnonzero(np.diff(indptr))
    if not len(segments):
        return out
    values = data.astype(m.dtype, copy=False)
    per_chunk = max(1, int(65536 * len(segments) / max(int(indptr[-1]), 1)))
    for first in range(0, len(segments), per_chunk):
        chosen = segments[first : first + per_chunk]
        lo, hi = indptr[chosen[0]], indptr[chosen[-1] + 1]
        gathered = np.take(m, indices[lo:hi], axis=0)
        gathered *= values[lo:hi, None]
        out[chosen] = np.add.reduceat(gathered, indptr[chosen] - lo, axis=0)
    return out


def logits(x: Corpus, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    return spmm(x.indptr, x.indices, x.data, w.astype(np.float32)).astype(np.float64) + b  # type: ignore[no-any-return]


class _Problem:
    """Weighted softmax cross-entropy + L2 on CSR rows, with the transposed layout for gradients."""

    def __init__(self, x: Corpus, y: np.ndarray, k: int, sample_weight: np.ndarray, c: float) -> None:
        import numpy as np

        self.x, self.y, self.k = x, y, k
        self.w = sample_weight * c
        rows = np.repeat(np.arange(x.n_rows), np.diff(x.indptr))
        order = np.argsort(x.indices, kind="stable")
        self.t_indices = rows[order]
        self.t_data = x.data[order].astype(np.float32)
        per_col = np.bincount(x.indices, minlength=x.n_features)
        self.t_indptr = np.concatenate([[0], np.cumsum(per_col)])
        self.onehot = np.zeros((x.n_rows, k))
        self.onehot[np.arange(x.n_rows), y] = 1.0

    def loss_and_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        import numpy as np

        f, k = self.x.n_features, self.k
        w = theta[: f * k].reshape(f, k)
        b = theta[f * k :]
        z = logits(self.x, w, b)
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1))[:, None]
        loss = -float((self.w * (logp * self.onehot).sum(axis=1)).sum()) + 0.5 * float((w * w).sum())
        g = (np.exp(logp) - self.onehot) * self.w[:, None]
        gw = spmm(self.t_indptr, self.t_indices, self.t_data, g.astype(np.float32)).astype(np.float64)
        gw += w
        return loss, np.concatenate([gw.ravel(), g.sum(axis=0)])


def lbfgs(fun: Any, theta: np.ndarray, max_iter: int, memory: int = 10, tol: float = 1e-5) -> np.ndarray:
    """Minimise fun(θ) → (loss, gradient) by L-BFGS with a backtracking (Armijo) line search."""
    import numpy as np

    loss, grad = fun(theta)
    s_list: list[np.ndarray] = []
    y_list: list[np.ndarray] = []
    g0 = float(np.abs(grad).max()) or 1.0
    for _ in range(max_iter):
        q = grad.copy()
        alphas = []
        for s, yv in zip(reversed(s_list), reversed(y_list), strict=True):
            rho = 1.0 / float(yv @ s)
            a = rho * float(s @ q)
            alphas.append((rho, a))
            q -= a * yv
        if s_list:
            q *= float(s_list[-1] @ y_list[-1]) / float(y_list[-1] @ y_list[-1])
        else:
            q /= max(float(np.linalg.norm(q)), 1.0)
        for (s, yv), (rho, a) in zip(zip(s_list, y_list, strict=True), reversed(alphas), strict=True):
            bq = rho * float(yv @ q)
            q += s * (a - bq)
        direction = -q
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction: restart from the gradient
            s_list.clear()
            y_list.clear()
            direction = -grad / max(float(np.linalg.norm(grad)), 1.0)
            slope = float(grad @ direction)
        step = 1.0
        for _ in range(30):
            candidate = theta + step * direction
            new_loss, new_grad = fun(candidate)
            if new_loss <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s_vec = candidate - theta
        y_vec = new_grad - grad
        if float(s_vec @ y_vec) > 1e-10:
            s_list.append(s_vec)
            y_list.append(y_vec)
            if len(s_list) > memory:
                s_list.pop(0)
                y_list.pop(0)
        converged = abs(loss - new_loss) <= 1e-9 * max(abs(loss), 1.0)
        theta, loss, grad = candidate, new_loss, new_grad
        if converged or float(np.abs(grad).max()) <= tol * g0:
            break
    return theta


def fit(x: Corpus, y: np.ndarray, k: int, options: Options) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced, L2-penalised softmax regression: (W features×labels, b labels)."""
    import numpy as np

    counts = np.bincount(y, minlength=k).astype(float)
    if options.balanced:
        present = int((counts > 0).sum())
        per_class = np.where(counts > 0, len(y) / (present * np.maximum(counts, 1)), 0.0)
        sample_weight = per_class[y]
    else:
        sample_weight = np.ones(len(y))
    problem = _Problem(x, y, k, sample_weight, options.c)
    theta = np.zeros(x.n_features * k + k)
    # L-BFGS keeps `memory` pairs of parameter-sized vectors: at most ~800 MB of them (1769 MB in Lambda).
    memory = int(max(3, min(10, 800_000_000 // (16 * theta.size))))
    theta = lbfgs(problem.loss_and_grad, theta, options.max_iter, memory=memory)
    return theta[: x.n_features * k].reshape(x.n_features, k), theta[x.n_features * k :]


def softmax(z: np.ndarray) -> np.ndarray:
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def fit_temperature(z: np.ndarray, y: np.ndarray) -> float:
    """The T minimising the held-out negative log-likelihood of softmax(z / T) (golden section on ln T)."""
    import numpy as np

    def nll(log_t: float) -> float:
        p = softmax(z / math.exp(log_t))
        return -float(np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)).mean())

    lo, hi = -4.0, 4.0
    ratio = (math.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(b)
    return math.exp((lo + hi) / 2)


def folds_of(y: np.ndarray, n_folds: int) -> np.ndarray:
    """A fold per row: each label's rows dealt in turn (deterministic, stratified)."""
    import numpy as np

    fold = np.zeros(len(y), dtype=int)
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        fold[rows] = np.arange(len(rows)) % n_folds
    return fold


def quantise(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights and the scale of each class (real weight = q · scale)."""
    import numpy as np

    peak = np.abs(w).max(axis=0)
    scale = np.where(peak > 0, peak / 127.0, 1.0)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


# -- training ----------------------------------------------------------------------------------------


@dataclass
class Trained:
    model: TextModel
    heldout_logits: Any  # numpy (rows × labels) or None: the folds' held-out scores
    y: Any
    seconds: float


def train(texts: Sequence[str], labels: Sequence[str], options: Options | None = None) -> Trained:
    """Train on (text, label) pairs; empty texts are skipped. Raises ValueError on unusable input."""
    import numpy as np

    options = options or Options()
    started = time.perf_counter()
    pairs = [
        (t, str(lab).strip()) for t, lab in zip(texts, labels, strict=True) if t and t.strip() and str(lab).strip()
    ]
    if not pairs:
        raise ValueError("no rows with text")
    names = sorted({lab for _, lab in pairs})
    if len(names) < 2:
        raise ValueError("fewer than two labels")
    label_index = {name: i for i, name in enumerate(names)}
    y = np.asarray([label_index[lab] for _, lab in pairs])
    k = len(names)
    counts = [feature_counts(t, options.spec) for t, _ in pairs]
    vocabulary = choose_vocabulary(counts, k, options)
    if not vocabulary:
        raise ValueError("no features in the texts")
    fw = idf(counts, vocabulary)
    if options.nb_weight and k == 2:
        fw = fw * nb_ratio(counts, vocabulary, y) ** options.nb_weight
    x = matrix(counts, vocabulary, fw)

    heldout = None
    temperature = 1.0
    if options.folds >= 2 and len(y) >= 2 * options.folds:
        fold = folds_of(y, options.folds)
        heldout = np.zeros((len(y), k))
        for f in range(options.folds):
            train_rows, test_rows = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
            w, b = fit(subset(x, train_rows), y[train_rows], k, options)
            heldout[test_rows] = logits(subset(x, test_rows), w, b)
        temperature = fit_temperature(heldout, y)

    w, b = fit(x, y, k, options)
    q, scale = quantise(w)
    keep = np.flatnonzero(np.abs(q).max(axis=1) > 0)
    vocabulary = [vocabulary[i] for i in keep]
    q = np.ascontiguousarray(q[keep])
    header: dict[str, Any] = {
        "labels": names,
        "spec": options.spec,
        "temperature": temperature,
        "scale": [float(s) for s in scale],
        "bias": [float(v) for v in b],
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": len(y),
        "rows_per_label": {name: int(n) for name, n in zip(names, np.bincount(y, minlength=k), strict=True)},
        "c": options.c,
    }
    body = q.tobytes()
    header["version"] = content_version(header, body)
    model = TextModel(header, vocabulary, fw[keep].astype(np.float32).tolist(), body)
    return Trained(model=model, heldout_logits=heldout, y=y, seconds=time.perf_counter() - started)


def nb_ratio(counts: Sequence[Counter[str]], vocabulary: list[str], y: np.ndarray) -> np.ndarray:
    """|log-count ratio| of each feature between the two labels (binarised counts, add-one)."""
    import numpy as np

    index = {f: i for i, f in enumerate(vocabulary)}
    p = np.ones(len(vocabulary))
    q = np.ones(len(vocabulary))
    for row, label in zip(counts, y, strict=True):
        target = p if label == 1 else q
        for f in row:
            i = index.get(f)
            if i is not None:
                target[i] += 1
    return np.abs(np.log((p / p.sum()) / (q / q.sum())))  # type: ignore[no-any-return]


# -- evaluation --------------------------------------------------------------------------------------


def evaluate(model: TextModel, texts: Sequence[str], labels: Sequence[str], k: int = 3) -> dict[str, Any]:
    """top-1, top-k, macro-F1 and per-label precision/recall of the (quantised) model on rows."""
    predicted = [model.top(t, k) for t in texts]
    return score_predictions([[lab for lab, _ in p] for p in predicted], list(labels), k)


def score_predictions(ranked: list[list[str]], truth: list[str], k: int = 3) -> dict[str, Any]:
    n = len(truth)
    top1 = sum(1 for r, t in zip(ranked, truth, strict=True) if r and r[0] == t)
    topk = sum(1 for r, t in zip(ranked, truth, strict=True) if t in r[:k])
    per: dict[str, dict[str, float]] = {}
    names = sorted(set(truth) | {r[0] for r in ranked if r})
    f1s = []
    for name in names:
        tp = sum(1 for r, t in zip(ranked, truth, strict=True) if r and r[0] == name and t == name)
        fp = sum(1 for r, t in zip(ranked, truth, strict=True) if r and r[0] == name and t != name)
        fn = sum(1 for r, t in zip(ranked, truth, strict=True) if (not r or r[0] != name) and t == name)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if name in truth:
            f1s.append(f1)
        per[name] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "n": tp + fn}
    return {
        "top1": round(top1 / n, 4) if n else None,
        f"top{k}": round(topk / n, 4) if n else None,
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "per_label": per,
        "n": n,
    }
