"""Student's t without SciPy, checked against printed table values and closed forms."""

from __future__ import annotations

import math

import pytest

from newsdesk.scorecard import stats
from newsdesk.scorecard.stats import bisect_t_quantile, estimate_mean, regularized_beta, t_cdf, t_quantile

# Two-sided 95 % (p = 0.975) and 99 % (p = 0.995) critical values from a printed t table.
TABLE = [
    (0.975, 1, 12.7062),
    (0.975, 2, 4.3027),
    (0.975, 3, 3.1824),
    (0.975, 4, 2.7764),
    (0.975, 5, 2.5706),
    (0.975, 9, 2.2622),
    (0.975, 10, 2.2281),
    (0.975, 20, 2.0860),
    (0.975, 30, 2.0423),
    (0.975, 120, 1.9799),
    (0.995, 5, 4.0321),
    (0.995, 10, 3.1693),
    (0.95, 7, 1.8946),
    (0.90, 15, 1.3406),
]


@pytest.mark.parametrize("p, df, value", TABLE)
def test_t_quantile_matches_the_table(p, df, value):
    assert t_quantile(p, df) == pytest.approx(value, abs=5e-5)
    assert t_quantile(1 - p, df) == pytest.approx(-value, abs=5e-5)


@pytest.mark.parametrize("p", [0.55, 0.8, 0.9, 0.975, 0.999])
def test_t_quantile_closed_forms(p):
    # df = 1 is the Cauchy distribution; df = 2 has t = (2p - 1) / sqrt(2 p (1 - p)).
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9)


def test_t_quantile_approaches_the_normal():
    assert t_quantile(0.975, 100_000) == pytest.approx(1.959964, abs=1e-4)


@pytest.mark.parametrize("p", [0.975, 0.95, 0.995, 0.9, 0.6, 0.5000001, 0.999999])
def test_t_quantile_is_the_bisections_very_float(p):
    """The replayed bisection ends on the plain bisection's interval: the same float, not a close one,
    for every group size up to 400 and a spread of larger ones (the Scorecard's intervals stay as they were)."""
    sizes = [*range(1, 401), 433, 500, 777, 1_000, 1_234, 2_047, 5_000, 8_532, 16_477, 65_537, 100_000, 314_159]
    for df in sizes:
        assert t_quantile.__wrapped__(p, df) == bisect_t_quantile(p, df), (p, df)


def test_t_quantile_needs_few_cdf_evaluations(monkeypatch):
    calls = []
    cdf = stats.t_cdf
    monkeypatch.setattr(stats, "t_cdf", lambda t, df: calls.append(t) or cdf(t, df))
    for df in (1, 2, 3, 30, 2_000, 16_477):
        calls.clear()
        stats.t_quantile.__wrapped__(0.975, df)
        assert len(calls) <= 25, (df, len(calls))  # the bisection alone makes ~45


def test_t_cdf_values():
    assert t_cdf(0.0, 5) == 0.5
    assert t_cdf(1.0, 1) == pytest.approx(0.75)  # Cauchy: 1/2 + atan(1)/pi
    assert t_cdf(-1.0, 1) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "a, b, x, value",
    [(1, 1, 0.3, 0.3), (2, 1, 0.5, 0.25), (1, 2, 0.5, 0.75), (0.5, 0.5, 0.5, 0.5), (3, 3, 0.0, 0.0), (3, 3, 1.0, 1.0)],
)
def test_regularized_beta(a, b, x, value):
    # I_x(1,1) = x; I_x(2,1) = x^2; I_x(1,2) = 1 - (1-x)^2; symmetric at 1/2 when a = b.
    assert regularized_beta(a, b, x) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("p, df", [(0.0, 3), (1.0, 3), (0.5, 0)])
def test_bad_arguments(p, df):
    with pytest.raises(ValueError):
        t_quantile(p, df) if p in (0.0, 1.0) else t_cdf(p, df)


def test_estimate_mean_at_other_confidence():
    # values 1, 2, 3: mean 2, sd 1, se 1/sqrt 3 = 0.5773503; t(0.95, 2) = 2.9199856 for a 90 % interval:
    # half 2.9199856 * 0.5773503 = 1.6858548.
    est = estimate_mean([1.0, 2.0, 3.0], confidence=0.90)
    assert (est.n, est.mean, est.sd) == (3, 2.0, 1.0)
    assert est.t_stat == pytest.approx(2 * math.sqrt(3))
    assert (est.ci_low, est.ci_high) == (pytest.approx(0.3141452, abs=1e-6), pytest.approx(3.6858548, abs=1e-6))
