"""The statistics of the satisfaction gap, in pure Python (no numpy: it runs on a public request path).

- `wilson(k, n)`: the 95 % Wilson score interval of a proportion.
- `fit_prior(pairs)`: an empirical-Bayes Beta(α, β) prior fitted by the method of moments to a peer
  group's (successes, trials), allowing for the extra-binomial spread real offices show.
- `beta_cdf` / `beta_ppf`: the regularised incomplete beta function and its inverse, for posterior
  intervals of the shrunk rates (Beta(α + k, β + n − k)).

docs/insights.md, "The satisfaction gap", says why and shows a worked example.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
# The prior's strength (α + β) is kept in [KAPPA_MIN, KAPPA_MAX]: at least one answer's worth (a peer group
# whose rates scatter more than any beta can say still shrinks a little), at most 10,000 answers (a peer group
# with no spread beyond chance pools almost completely, as it should, yet a huge office still speaks for itself).
KAPPA_MIN, KAPPA_MAX = 1.0, 10_000.0
# Below MIN_GROUPS groups with trials, the spread between groups cannot be estimated: a WEAK prior is used.
MIN_GROUPS, WEAK = 3, 2.0


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of k successes in n trials (None without trials)."""
    if n <= 0:
        return None
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Prior:
    alpha: float
    beta: float
    groups: int  # how many groups with at least one trial it was fitted to

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        return self.alpha + self.beta

    def posterior(self, k: int, n: int) -> tuple[float, float]:
        return self.alpha + k, self.beta + n - k

    def shrunk(self, k: int, n: int) -> float:
        """The posterior mean: (α + k) / (α + β + n), between the peers' mean and the group's own rate."""
        return (self.alpha + k) / (self.strength + n)


def fit_prior(pairs: Sequence[tuple[int, int]], *, fallback_mean: float = 0.5) -> Prior:
    """A Beta prior fitted by the method of moments to (successes, trials) of a peer group (beta-binomial).

    With p̂ = Σk / Σn (the pooled rate) and S = Σ nᵢ (kᵢ/nᵢ − p̂)², the beta-binomial gives
    E[S] ≈ p̂(1 − p̂) [ρ (N − Σnᵢ²/N) + (1 − ρ)(G − 1)] with ρ = 1 / (α + β + 1), N = Σnᵢ and G groups;
    solving for ρ gives the strength α + β = 1/ρ − 1 (kept in [KAPPA_MIN, KAPPA_MAX]); α = p̂ (α + β).
    Groups without trials say nothing and are left out; with none at all the prior is Beta(1, 1)-like
    around `fallback_mean`, and with fewer than MIN_GROUPS it is as weak (α + β = 2) around the pooled rate.
    """
    seen = [(k, n) for k, n in pairs if n > 0]
    total = sum(n for _, n in seen)
    if not seen or total == 0:
        return Prior(2 * fallback_mean, 2 * (1 - fallback_mean), 0)
    mean = sum(k for k, _ in seen) / total
    # Keep the mean off 0 and 1 so that α and β are positive (a peer group where every answer was "satisfied").
    mean = min(max(mean, 0.5 / (total + 1)), 1 - 0.5 / (total + 1))
    groups = len(seen)
    if groups < MIN_GROUPS:
        # Too few groups to see how rates spread between them: a weak prior (two answers' worth) at the pooled rate.
        return Prior(WEAK * mean, WEAK * (1 - mean), groups)
    spread = sum(n * (k / n - mean) ** 2 for k, n in seen) / (mean * (1 - mean))
    room = total - sum(n * n for _, n in seen) / total - (groups - 1)
    rho = (spread - (groups - 1)) / room if room > 0 else 0.0
    kappa = KAPPA_MAX if rho <= 1 / (KAPPA_MAX + 1) else min(max(1 / rho - 1, KAPPA_MIN), KAPPA_MAX)
    return Prior(mean * kappa, (1 - mean) * kappa, groups)


# --- the beta distribution ------------------------------------------------------------------------


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz), as in Numerical Recipes."""
    tiny, eps = 1e-300, 3e-14
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
        step = d * c
        h *= step
        if abs(step - 1) < eps:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """P(X ≤ x) for X ~ Beta(a, b): the regularised incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    if x < (a + 1) / (a + b + 2):
        return front * _continued_fraction(a, b, x) / a
    return 1 - front * _continued_fraction(b, a, 1 - x) / b


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_ppf(p: float, a: float, b: float) -> float:
    """The p-quantile of Beta(a, b): Newton steps on the CDF from a normal guess, kept inside a shrinking bracket
    (a bisection step whenever Newton would leave it), to 1e-10."""
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    low, high = 0.0, 1.0
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    z = _normal_ppf(p)
    x = min(max(mean + z * sd, 1e-12), 1 - 1e-12)
    log_norm = _log_beta(a, b)
    for _ in range(100):
        error = beta_cdf(x, a, b) - p
        if error < 0:
            low = x
        else:
            high = x
        if abs(error) < 1e-12 or high - low < 1e-12:
            break
        density = math.exp((a - 1) * math.log(x) + (b - 1) * math.log1p(-x) - log_norm)
        step = x - error / density if density > 0 else -1.0
        x = step if low < step < high else (low + high) / 2
    return x


def _normal_ppf(p: float) -> float:
    """The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9): a starting guess."""
    a = (-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716)
    b = (-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155211597)
    c = (-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968)
    d = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + 2.938163982698783) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        )
    if p > 1 - 0.02425:
        return -_normal_ppf(1 - p)
    q = p - 0.5
    r = q * q
    return (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + 2.506628274631000)
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )


def beta_interval(a: float, b: float, level: float = 0.95) -> tuple[float, float]:
    """The equal-tailed `level` interval of Beta(a, b)."""
    tail = (1 - level) / 2
    return beta_ppf(tail, a, b), beta_ppf(1 - tail, a, b)
