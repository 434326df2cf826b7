"""Small-sample statistics for the scorecard: Student's t distribution and a mean's t and interval.

No SciPy: the t distribution's CDF comes from the regularised incomplete beta function (continued
fraction, Numerical Recipes' ``betacf``), and its quantile from bisection on that CDF (replayed around a
Newton root: the same float in a few evaluations).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

_EPS = 1e-15
_TINY = 1e-300


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz method)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 <= x <= 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"x must be in [0, 1], got {x}")
    if x in (0.0, 1.0):
        return x
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = ``p`` for Student's t with ``df`` degrees of freedom (0 < p < 1): the very
    float of :func:`bisect_t_quantile`, found with a few CDF evaluations instead of ~45. Newton's method
    on the CDF gives the root; the bisection is then replayed step by step, each step decided by the root
    where its midpoint is clearly on one side of it and by the CDF itself near it (where the bisection's
    own decisions are made), so it ends on the same interval. Falls back to the plain bisection when the
    root is not found or the final interval does not hold the CDF's crossing."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    root = _newton_root(p, df)
    if root is None:
        return bisect_t_quantile(p, df)
    near = _NEAR * max(1.0, root)

    def below(x: float) -> bool:  # t_cdf(x, df) < p, the bisection's test
        return x < root if abs(x - root) > near else t_cdf(x, df) < p

    lo, hi = _bisect(below)
    if not (t_cdf(hi, df) >= p and (lo == 0.0 or t_cdf(lo, df) < p)):
        return bisect_t_quantile(p, df)  # never seen: the replay strayed from the bisection's interval
    return (lo + hi) / 2.0


_NEAR = 1e-10  # relative: the CDF decides within this of the root (it is flat or noisy over up to ~1e-12 of
# t at 16,000 degrees of freedom; Newton stops at 1e-12)


def bisect_t_quantile(p: float, df: float) -> float:
    """:func:`t_quantile` by bisection on :func:`t_cdf` alone (``0.5 < p < 1``): the reference."""
    lo, hi = _bisect(lambda x: t_cdf(x, df) < p)
    return (lo + hi) / 2.0


def _bisect(below: Callable[[float], bool]) -> tuple[float, float]:
    """The bisection's final interval for a test ``below`` (the CDF under p) that holds at 0."""
    lo, hi = 0.0, 1.0
    while below(hi):
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if below(mid):
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * max(1.0, hi):
            break
    return lo, hi


def _newton_root(p: float, df: float) -> float | None:
    """The quantile by Newton's method on :func:`t_cdf` (``0.5 < p < 1``) from a start below it (closed
    forms for 1 and 2 degrees of freedom, else the normal quantile with Cornish-Fisher terms, which the
    CDF's concavity above 0 keeps climbing to the root); None when it does not settle."""
    if df == 1:
        x = math.tan(math.pi * (p - 0.5))
    elif df == 2:
        x = (2.0 * p - 1.0) * math.sqrt(2.0 / (4.0 * p * (1.0 - p)))
    else:
        z = NormalDist().inv_cdf(p)
        x = z + (z**3 + z) / (4.0 * df) + (5.0 * z**5 + 16.0 * z**3 + 3.0 * z) / (96.0 * df * df)
    log_norm = math.lgamma((df + 1.0) / 2.0) - math.lgamma(df / 2.0) - 0.5 * math.log(df * math.pi)
    last = math.inf
    for _ in range(12):
        density = math.exp(log_norm - (df + 1.0) / 2.0 * math.log1p(x * x / df))
        if density <= 0.0:
            return None
        step = (p - t_cdf(x, df)) / density
        x += step
        scale = max(1.0, abs(x))
        if abs(step) <= 1e-12 * scale or (abs(step) >= last / 2.0 and abs(step) <= 1e-2 * _NEAR * scale):
            return x if x > 0.0 else None  # settled, or at the CDF's noise well inside _NEAR
        last = abs(step)
    return None


@dataclass(frozen=True)
class MeanEstimate:
    """A sample mean with its t statistic and two-sided interval.

    ``t_stat`` = mean / (sample sd / sqrt n) and the interval is mean ± t(1 - (1 - confidence)/2, n - 1)
    × sd / sqrt n; both need n >= 2 and are None otherwise. With a zero sd the interval is the mean
    itself and ``t_stat`` is None (it would be infinite, or undefined at a zero mean).
    """

    n: int
    mean: float | None
    sd: float | None
    t_stat: float | None
    ci_low: float | None
    ci_high: float | None


def estimate_mean(values: Sequence[float], confidence: float = 0.95) -> MeanEstimate:
    """The mean of ``values`` with its t statistic and ``confidence`` interval (see :class:`MeanEstimate`)."""
    n = len(values)
    if n == 0:
        return MeanEstimate(0, None, None, None, None, None)
    mean = math.fsum(values) / n
    if n == 1:
        return MeanEstimate(1, mean, None, None, None, None)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    se = sd / math.sqrt(n)
    if se == 0:
        return MeanEstimate(n, mean, sd, None, mean, mean)
    half = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * se
    return MeanEstimate(n, mean, sd, mean / se, mean - half, mean + half)
