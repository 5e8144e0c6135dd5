"""Emerging topics: the themes rising in an organisation's new complaint texts, week by week.

Texts are redacted as for publication (phone numbers, CNICs, e-mail addresses, long numbers and
the names known are hidden) before any word is read, normalised (`text.normalise`), and cut into
words and word pairs (bigrams), without stop words in English, Urdu and Roman Urdu, one-letter
words and bare numbers. A term counts only if at least `MIN_AUTHORS` different citizens used it,
so a keyword is never one person's name, street or account. TF-IDF over those terms, then a
non-negative matrix factorisation (NMF, multiplicative updates, NNDSVD start from a seeded
randomised SVD: the same texts give the same themes) finds k themes, k chosen by the data (the
k of 3–10 whose themes' top words co-occur most: NPMI coherence).

The themes are fitted on this week's texts and an equal-sized, evenly spaced sample of the
baseline's (the previous weeks), so that established themes get components of their own and a
new one is not drowned by six weeks of old texts; every text, this week's and the baseline's,
is then projected on the themes and counted under the one it loads most on (if it loads at all).

A theme's rise compares its share of this week's texts with its share of the baseline's, as a
conservative rate ratio: 0.5 is added to each count (so no share is 0) and the rise is the lower
one-sided 95 % bound of the ratio (Katz's log method). Two texts of a hundred this week against
none of six hundred before is "×2", not "×∞"; twenty of two hundred is ×10 and more.

numpy is imported inside the functions that need it: this module is read by the weekly job and
by the tools, never on the API's path.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.insights.text import normalise, words
from chalicelib.logic import pii

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Matrix = NDArray[np.float64]

# --- words ---------------------------------------------------------------------------------

_ENGLISH = """
a about above after again against all almost also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each either else even ever every
few for from further get gets got had has have having he her here hers him his how however i if in into is
it its itself just let me more most much my no nor not now of off on once only or other others our out
over own please kindly sir madam dear respected same she should so some such than that the their them then
there these they this those through to too under until up upon very via was we were what when where which
while who whom why will with within would yet you your yours regards thanks thank complaint complaints
request requested still since ago many also already again being us one two three four five
"""
_URDU = """
کا کی کے ہے ہیں میں نے کو سے پر اور یہ وہ تھا تھی تھے ہو ہوں ہوا ہوئی ہوئے گا گی گے بھی نہیں نہ کہ جو جس جن
کر کیا کیے کی کرنا کرتے کرتی کرتا کریں کرے رہا رہی رہے ایک اس ان تو ہی کوئی کچھ اپنے اپنی اپنا ہم آپ مجھے میرا
میری میرے ہمارا ہماری ہمارے جب تک لیے لئے ساتھ بہت براہ کرم مہربانی جناب شکایت گئی گیا گئے دیا دی دیں والے
والی والا یا اب پھر آیا آئی آئے جا جاتا جاتی جاتے چکا چکی چکے سکتا سکتی سکتے ہیں۔ مگر لیکن بلکہ کیونکہ جبکہ وغیرہ
"""
_ROMAN_URDU = """
ka ki ke hai hain hy he hay mein main me mai mujh ne ko se par pe aur or ye yeh wo woh tha thi thay the
ho hon hoa hua hui hue howa ga gi ge bhi nahi nahin nai nhi na keh kay jo jis kar kiya kia kiye karna karte
karti karta karen kare raha rahi rahe aik ek is us in un to tu hi koi kuch kuchh apne apni apna hum hamara
hamari hamare humara humari humare aap ap mujhe mjhe mera meri mere jab tak liye liay lie sath saath bohat
bahut bht boht plz pls please janab sahab sahib shikayat gaya gayi gai gaye gye diya di dein wale wali wala
ya ab phir aya aaya ayi aai aye jata jati jate sakta sakti sakte magar lekin kyun kyunke kyunki jabke bhai
"""


def _listed(*lists: str) -> frozenset[str]:
    return frozenset(w for text in lists for w in words(normalise(text)))


STOP_WORDS = _listed(_ENGLISH, _URDU, _ROMAN_URDU)

_PLACEHOLDERS = re.compile(
    "|".join(
        re.escape(p) for p in (pii.PHONE_HIDDEN, pii.CNIC_HIDDEN, pii.NUMBER_HIDDEN, pii.EMAIL_HIDDEN, pii.NAME_HIDDEN)
    )
)


def tokens(text: str, names: Sequence[str] = ()) -> list[str]:
    """The words a theme may be made of: redacted as for publication, normalised, no stop words, no bare numbers."""
    safe = _PLACEHOLDERS.sub(" ", pii.redact(text, names))
    return [
        w for w in words(normalise(safe)) if len(w) > 1 and not w.isdigit() and "_" not in w and w not in STOP_WORDS
    ]


def terms(text: str, names: Sequence[str] = ()) -> list[str]:
    """Words and word pairs (adjacent once stop words are out, as "bijli bill" of "bijli ka bill")."""
    found = tokens(text, names)
    return found + [f"{a} {b}" for a, b in itertools.pairwise(found)]


# --- the method's settings ---------------------------------------------------------------------

MIN_WEEK_TEXTS = 15  # fewer new texts than this: no themes ("not enough new complaints")
MIN_BASELINE_TEXTS = 20  # fewer baseline texts: counts but no rise
MIN_AUTHORS = 3  # a term must come from at least this many citizens (never one person's name or street)
MIN_DOCS = 3  # ... and from at least this many texts
MAX_DOC_SHARE = 0.5  # a term in more than half the texts says nothing about any theme
MAX_TERMS = 3000
K_RANGE = (3, 10)
TEXTS_PER_THEME = 8  # at most one theme per this many new texts
ITERATIONS = 200
PROJECTION_ITERATIONS = 60
LOADS_AT = 0.05  # a text counts under a theme only if it loads at least this much on it
KEYWORDS = 8
EXAMPLES = 5
MIN_THEME_TEXTS = 3  # a theme shown has at least this many new texts
RISING_AT = 1.2  # "rising": this week's share at least 1.2× the baseline's, at 95 % confidence
_Z = 1.645  # one-sided 95 %
_SEED = 15


@dataclass(frozen=True)
class Doc:
    """One complaint's text: its tracking number, who wrote it (a citizen's id: never shown) and names to hide."""

    case_id: str
    text: str
    author: str = ""
    names: tuple[str, ...] = ()


@dataclass
class Theme:
    keywords: list[str]
    week_count: int
    baseline_count: int
    share_week: float
    share_baseline: float | None
    # The conservative rise (lower 95 % bound of the ratio of shares); None without a baseline.
    rise: float | None
    rising: bool
    examples: list[str]


@dataclass
class Topics:
    texts_week: int
    texts_baseline: int
    themes: list[Theme] = field(default_factory=list)
    k: int = 0
    terms: int = 0


def rise_of(week_count: int, week_total: int, baseline_count: int, baseline_total: int) -> float | None:
    """The lower one-sided 95 % bound of (share this week) / (share in the baseline), 0.5 added to each count."""
    if week_total <= 0 or baseline_total < MIN_BASELINE_TEXTS:
        return None
    a, n1 = week_count + 0.5, week_total + 0.5
    c, n2 = baseline_count + 0.5, baseline_total + 0.5
    log_ratio = math.log(a / n1) - math.log(c / n2)
    spread = math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    return math.exp(log_ratio - _Z * spread)


# --- a sparse matrix, as much of one as NMF needs (numpy has none) ---------------------------------


class _Sparse:
    """Rows × columns in coordinate form, rows in order; products with dense matrices by `reduceat`."""

    def __init__(self, rows: Any, cols: Any, vals: Any, shape: tuple[int, int]) -> None:
        import numpy as np

        self.rows, self.cols, self.vals, self.shape = rows, cols, vals, shape
        self.row_ids, self.row_starts = self._runs(rows)
        self.by_col = np.argsort(cols, kind="stable")
        self.col_ids, self.col_starts = self._runs(cols[self.by_col])

    @staticmethod
    def _runs(sorted_ids: Any) -> tuple[Any, Any]:
        import numpy as np

        if len(sorted_ids) == 0:
            return sorted_ids, sorted_ids
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        return sorted_ids[starts], starts

    def dot(self, dense: Matrix) -> Matrix:
        """self @ dense (dense: columns × c)."""
        import numpy as np

        out = np.zeros((self.shape[0], dense.shape[1]))
        if len(self.vals):
            out[self.row_ids] = np.add.reduceat(self.vals[:, None] * dense[self.cols], self.row_starts, axis=0)
        return out

    def tdot(self, dense: Matrix) -> Matrix:
        """self.T @ dense (dense: rows × c)."""
        import numpy as np

        out = np.zeros((self.shape[1], dense.shape[1]))
        if len(self.vals):
            contributions = (self.vals[:, None] * dense[self.rows])[self.by_col]
            out[self.col_ids] = np.add.reduceat(contributions, self.col_starts, axis=0)
        return out

    def take(self, row_ids: Any) -> _Sparse:
        """The rows `row_ids` (ascending), renumbered from 0."""
        import numpy as np

        keep = np.isin(self.rows, row_ids)
        renumber = np.full(self.shape[0], -1)
        renumber[row_ids] = np.arange(len(row_ids))
        return _Sparse(renumber[self.rows[keep]], self.cols[keep], self.vals[keep], (len(row_ids), self.shape[1]))

    def squared_norm(self) -> float:
        return float((self.vals**2).sum())


def _tfidf(docs_terms: list[list[str]], vocabulary: dict[str, int]) -> _Sparse:
    """Sublinear TF (1 + log count) × smooth IDF, each row scaled to unit length."""
    import numpy as np

    rows: list[int] = []
    cols: list[int] = []
    counts: list[float] = []
    for row, found in enumerate(docs_terms):
        counted = Counter(vocabulary[t] for t in found if t in vocabulary)
        for col in sorted(counted):
            rows.append(row)
            cols.append(col)
            counts.append(1.0 + math.log(counted[col]))
    r, c = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    v = np.array(counts, dtype=np.float64)
    n = len(docs_terms)
    df = np.bincount(c, minlength=len(vocabulary)).astype(np.float64)
    v = v * (np.log((1 + n) / (1 + df)) + 1.0)[c]
    norms = np.sqrt(np.bincount(r, weights=v**2, minlength=n))
    v = v / np.where(norms > 0, norms, 1.0)[r]
    return _Sparse(r, c, v, (n, len(vocabulary)))


# --- NMF ---------------------------------------------------------------------------------------


def _randomised_svd(x: _Sparse, rank: int) -> tuple[Matrix, Matrix, Matrix]:
    """The top `rank` singular triplets, from a seeded random range finder (Halko et al.): deterministic."""
    import numpy as np

    rng = np.random.default_rng(_SEED)
    width = min(rank + 10, min(x.shape))
    y = x.dot(rng.standard_normal((x.shape[1], width)))
    for _ in range(4):  # power iterations: text spectra decay slowly
        q, _r = np.linalg.qr(y)
        y = x.dot(x.tdot(q))
    q, _r = np.linalg.qr(y)
    small = x.tdot(q).T  # q.T @ X
    u_small, s, vt = np.linalg.svd(small, full_matrices=False)
    return q @ u_small[:, :rank], s[:rank], vt[:rank]


def _nndsvd(x: _Sparse, svd: tuple[Matrix, Matrix, Matrix], k: int) -> tuple[Matrix, Matrix]:
    """Boutsidis & Gallopoulos' NNDSVD start, its zeros filled with the data's mean (NNDSVDa, for MU)."""
    import numpy as np

    u, s, vt = svd
    w = np.zeros((x.shape[0], k))
    h = np.zeros((k, x.shape[1]))
    w[:, 0] = math.sqrt(s[0]) * np.abs(u[:, 0])
    h[0] = math.sqrt(s[0]) * np.abs(vt[0])
    for j in range(1, k):
        a, b = u[:, j], vt[j]
        ap, an, bp, bn = np.maximum(a, 0), np.maximum(-a, 0), np.maximum(b, 0), np.maximum(-b, 0)
        ap_n, an_n, bp_n, bn_n = (float(np.linalg.norm(v)) for v in (ap, an, bp, bn))
        if ap_n * bp_n >= an_n * bn_n:
            left, right, size = ap / (ap_n or 1), bp / (bp_n or 1), ap_n * bp_n
        else:
            left, right, size = an / (an_n or 1), bn / (bn_n or 1), an_n * bn_n
        scale = math.sqrt(s[j] * size)
        w[:, j], h[j] = scale * left, scale * right
    mean = float(x.vals.sum()) / (x.shape[0] * x.shape[1])
    w[w == 0] = mean
    h[h == 0] = mean
    return w, h


def _nmf(x: _Sparse, w: Matrix, h: Matrix, iterations: int) -> tuple[Matrix, Matrix]:
    """Lee & Seung's multiplicative updates for ‖X − WH‖², stopping early once the error settles."""

    tiny = 1e-12
    total = x.squared_norm()
    last = math.inf
    for step in range(iterations):
        h *= x.tdot(w).T / ((w.T @ w) @ h + tiny)
        xht = x.dot(h.T)
        hht = h @ h.T
        w *= xht / (w @ hht + tiny)
        if step % 10 == 9:
            error = total - 2 * float((w * xht).sum()) + float(((w.T @ w) * hht).sum())
            if last - error < 1e-4 * max(total, tiny):
                break
            last = error
    return w, h


def _project(x: _Sparse, h: Matrix, iterations: int) -> Matrix:
    """Each row's loadings on fixed themes `h` (rows of unit length): non-negative least squares by MU."""
    import numpy as np

    tiny = 1e-12
    xht = x.dot(h.T)
    hht = h @ h.T
    w = np.maximum(xht, 0) + tiny
    for _ in range(iterations):
        w *= xht / (w @ hht + tiny)
    return w


def _coherence(h: Matrix, index: list[str], x: _Sparse, top: int = 8) -> float:
    """Mean NPMI of each theme's top word pairs in the texts (pairs of words, one not part of the other)."""
    import numpy as np

    present = x.vals > 0
    docs_of: dict[int, set[int]] = {}
    n = x.shape[0]
    scores: list[float] = []
    for row in h:
        best = [int(i) for i in np.argsort(-row, kind="stable")[:top] if row[i] > 0]
        for col in best:
            if col not in docs_of:
                docs_of[col] = set(x.rows[present & (x.cols == col)].tolist())
        pairs: list[float] = []
        for i, a in enumerate(best):
            for b in best[i + 1 :]:
                wa, wb = set(index[a].split()), set(index[b].split())
                if wa & wb:
                    continue
                da, db = docs_of[a], docs_of[b]
                both = len(da & db)
                if not both:
                    pairs.append(-1.0)
                    continue
                p_ab, p_a, p_b = both / n, len(da) / n, len(db) / n
                pairs.append(1.0 if p_ab >= 1 else math.log(p_ab / (p_a * p_b)) / -math.log(p_ab))
        if pairs:
            scores.append(sum(pairs) / len(pairs))
    return sum(scores) / len(scores) if scores else -1.0


def _keywords(row: Matrix, index: list[str]) -> list[str]:
    """The theme's heaviest terms, skipping one whose words the terms already chosen all say."""
    import numpy as np

    chosen: list[str] = []
    said: set[str] = set()
    for i in np.argsort(-row, kind="stable"):
        if row[i] <= 0 or len(chosen) == KEYWORDS:
            break
        term = index[int(i)]
        parts = set(term.split())
        if parts <= said:
            continue
        chosen.append(term)
        said |= parts
    return chosen


# --- the whole -------------------------------------------------------------------------------


def find_topics(week: Sequence[Doc], baseline: Sequence[Doc], k: int | None = None) -> Topics:
    """The themes of this week's texts, each counted this week and in the baseline, rising ones first."""
    import numpy as np

    found = Topics(texts_week=len(week), texts_baseline=len(baseline))
    if len(week) < MIN_WEEK_TEXTS:
        return found
    docs = list(week) + list(baseline)
    docs_terms = [terms(d.text, d.names) for d in docs]
    vocabulary = _vocabulary(docs, docs_terms)
    if len(vocabulary) < K_RANGE[0]:
        return found
    index = sorted(vocabulary, key=vocabulary.__getitem__)
    x = _tfidf(docs_terms, vocabulary)
    n_week = len(week)
    # Fitted on this week's texts and an evenly spaced sample of the baseline's, as many.
    stride = max(1, math.ceil(len(baseline) / n_week)) if baseline else 1
    fit_rows = np.r_[np.arange(n_week), n_week + np.arange(0, len(baseline), stride)]
    fit = x.take(fit_rows)
    if k is None:
        k_high = max(K_RANGE[0], min(K_RANGE[1], n_week // TEXTS_PER_THEME, len(vocabulary) - 1))
        candidates = list(range(K_RANGE[0], k_high + 1))
    else:
        candidates = [k]
    svd = _randomised_svd(fit, max(candidates))
    best: tuple[float, int, Matrix] | None = None
    for size in candidates:
        _w, h = _nmf(fit, *_nndsvd(fit, svd, size), ITERATIONS)
        score = _coherence(h, index, fit)
        if best is None or score > best[0] + 1e-9:
            best = (score, size, h)
    assert best is not None
    _score, found.k, h = best
    found.terms = len(vocabulary)
    lengths = np.linalg.norm(h, axis=1)
    h = h / np.where(lengths > 0, lengths, 1.0)[:, None]
    loads = _project(x, h, PROJECTION_ITERATIONS)
    strongest = loads.argmax(axis=1)
    counted = loads[np.arange(len(docs)), strongest] >= LOADS_AT
    week_of = strongest[:n_week][counted[:n_week]]
    base_of = strongest[n_week:][counted[n_week:]]
    week_counts = np.bincount(week_of, minlength=found.k)
    base_counts = np.bincount(base_of, minlength=found.k)
    n_base = len(baseline)
    for theme in range(found.k):
        if week_counts[theme] < MIN_THEME_TEXTS:
            continue
        members = [d for d in range(n_week) if counted[d] and strongest[d] == theme]
        members.sort(key=lambda d: (-loads[d, theme], week[d].case_id))
        rise = rise_of(int(week_counts[theme]), n_week, int(base_counts[theme]), n_base)
        found.themes.append(
            Theme(
                keywords=_keywords(h[theme], index),
                week_count=int(week_counts[theme]),
                baseline_count=int(base_counts[theme]),
                share_week=round(int(week_counts[theme]) / n_week, 4),
                share_baseline=round(int(base_counts[theme]) / n_base, 4) if n_base else None,
                rise=round(rise, 2) if rise is not None else None,
                rising=rise is not None and rise >= RISING_AT,
                examples=[week[d].case_id for d in members[:EXAMPLES]],
            )
        )
    found.themes.sort(key=lambda t: (-(t.rise if t.rise is not None else 0.0), -t.week_count, t.keywords))
    return found


def _vocabulary(docs: Sequence[Doc], docs_terms: list[list[str]]) -> dict[str, int]:
    """Terms used in at least MIN_DOCS texts by at least MIN_AUTHORS citizens and in at most half the texts."""
    df: Counter[str] = Counter()
    authors: dict[str, set[str]] = {}
    for doc, found in zip(docs, docs_terms, strict=True):
        for term in set(found):
            df[term] += 1
            known = authors.setdefault(term, set())
            if len(known) < MIN_AUTHORS:
                known.add(doc.author or doc.case_id)
    ceiling = MAX_DOC_SHARE * len(docs)
    kept = [t for t, n in df.items() if n >= MIN_DOCS and n <= ceiling and len(authors[t]) >= MIN_AUTHORS]
    kept.sort(key=lambda t: (-df[t], t))
    return {t: i for i, t in enumerate(sorted(kept[:MAX_TERMS]))}
