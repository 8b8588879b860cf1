"""Decision consistency and accuracy of pass/fail at the cut, from one administration.

Method: Livingston & Lewis (1995), "Estimating the consistency and accuracy of classifications
based on test scores", Journal of Educational Measurement 32(2), 179–197. The observed score is
mapped onto an *effective test length* n of equally weighted 0/1 items; the true proportion τ
gets a four-parameter beta distribution fitted by the method of moments (Lord 1965; Hanson
1991), and the score of n items given τ is binomial. From these:

- accuracy: the chance that the observed decision equals the decision on the true score;
- consistency: the chance that two independent parallel administrations agree, and Cohen's κ
  of that agreement.

Formulas step by step in docs/item-analysis.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

# grid of true proportions for the integrals over the beta density (bins between fixed edges;
# enough that the estimates are stable to 1e-4 in the tests' simulations)
GRID = 2000


@dataclass(frozen=True)
class TrueScoreModel:
    """The fitted true-proportion distribution: beta(α, β) on [lower, upper]."""

    alpha: float
    beta: float
    lower: float
    upper: float
    parameters: int  # 4, or 2 when the four-parameter fit fell outside [0, 1] (see fit_true_scores)


@dataclass(frozen=True)
class Decisions:
    """Consistency and accuracy of the pass/fail decision at ``cut_raw``."""

    method: str
    cut_raw: float
    effective_length: int
    model: TrueScoreModel
    accuracy: float
    false_pass: float  # observed pass, true fail
    false_fail: float  # observed fail, true pass
    consistency: float
    kappa: float | None
    expected_pass_rate: float

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "cut_raw": self.cut_raw,
            "effective_length": self.effective_length,
            "true_score_model": {
                "distribution": f"{self.model.parameters}-parameter beta",
                "alpha": self.model.alpha,
                "beta": self.model.beta,
                "lower": self.model.lower,
                "upper": self.model.upper,
            },
            "accuracy": self.accuracy,
            "false_pass": self.false_pass,
            "false_fail": self.false_fail,
            "consistency": self.consistency,
            "kappa": self.kappa,
            "expected_pass_rate": self.expected_pass_rate,
        }


def effective_length(mean: float, variance: float, reliability: float, minimum: float, maximum: float) -> int | None:
    """Livingston & Lewis (1995): n = ((μ − a)(b − μ) − ρσ²) / (σ²(1 − ρ)), rounded, at least 2.

    a and b are the lowest and highest possible scores. None when the score does not vary or
    the reliability is not in (0, 1).
    """
    if variance <= 0 or not 0 < reliability < 1:
        return None
    n = ((mean - minimum) * (maximum - mean) - reliability * variance) / (variance * (1 - reliability))
    return max(2, round(n)) if math.isfinite(n) else None


def true_moments(scores: np.ndarray, n: int) -> tuple[float, float, float, float]:
    """Mean, variance, skewness and kurtosis of the true proportion τ under binomial error.

    For X ~ Binomial(n, τ) the factorial moments give E[X(X−1)…(X−k+1)] = n(n−1)…(n−k+1)·E[τᵏ]
    (Lord 1965): the raw moments of τ follow from the observed factorial moments exactly.
    """
    x = np.asarray(scores, dtype=np.float64)
    raw = []
    falling_x = np.ones_like(x)
    falling_n = 1.0
    for k in range(4):
        falling_x = falling_x * (x - k)
        falling_n *= n - k
        raw.append(float(falling_x.mean()) / falling_n)
    m1, m2, m3, m4 = raw
    var = m2 - m1**2
    if var <= 0:
        return m1, max(var, 0.0), 0.0, 3.0
    third = m3 - 3 * m1 * m2 + 2 * m1**3
    fourth = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    return m1, var, third / var**1.5, fourth / var**2


def fit_true_scores(mean: float, var: float, skew: float, kurt: float) -> TrueScoreModel | None:
    """A four-parameter beta with these moments (Pearson's method of moments, as in Hanson 1991).

    With γ the skewness and κ = kurtosis − 3: ν = α + β = 6(κ − γ² + 2)/(3γ² − 2κ);
    α, β = ν/2·(1 ± 1/√(1 + 16(ν + 1)/((ν + 2)²γ²))), α > β when γ < 0; the range follows from
    σ² = (u − l)²αβ/(ν²(ν + 1)) and l = μ − (u − l)α/ν. When that fit is impossible or its
    bounds leave [0, 1], a two-parameter beta on [0, 1] with the same mean and variance is used
    (the fallback Livingston & Lewis describe; also Hanson 1991).
    """
    if var <= 0:
        return None
    excess = kurt - 3.0
    denominator = 3 * skew**2 - 2 * excess
    if denominator > 0:
        nu = 6 * (excess - skew**2 + 2) / denominator
        if nu > 0 and math.isfinite(nu):
            if skew == 0:
                a = b = nu / 2
            else:
                root = 1 / math.sqrt(1 + 16 * (nu + 1) / ((nu + 2) ** 2 * skew**2))
                big, small = nu / 2 * (1 + root), nu / 2 * (1 - root)
                a, b = (big, small) if skew < 0 else (small, big)
            if a > 0 and b > 0:
                width = math.sqrt(var * nu**2 * (nu + 1) / (a * b))
                lower = mean - width * a / nu
                if lower >= 0 and lower + width <= 1:
                    return TrueScoreModel(a, b, lower, lower + width, 4)
    # two-parameter beta on [0, 1] by moments: α + β = μ(1 − μ)/σ² − 1
    total = mean * (1 - mean) / var - 1
    if total <= 0 or not 0 < mean < 1:
        return None
    return TrueScoreModel(mean * total, (1 - mean) * total, 0.0, 1.0, 2)


def livingston_lewis(raw: np.ndarray, reliability: float | None, maximum: float, cut_raw: float, minimum: float = 0.0) -> Decisions | None:
    """Decision accuracy and consistency at ``cut_raw`` (pass when raw ≥ cut), Livingston & Lewis (1995).

    ``raw`` are the observed totals, ``reliability`` the form's alpha. None when the scores do not
    vary, the reliability is not in (0, 1), or no beta fits the true-score moments.
    """
    raw = np.asarray(raw, dtype=np.float64)
    if raw.size < 2 or reliability is None or maximum <= minimum:
        return None
    n = effective_length(float(raw.mean()), float(raw.var()), reliability, minimum, maximum)
    if n is None:
        return None
    scaled = n * (raw - minimum) / (maximum - minimum)
    model = fit_true_scores(*true_moments(scaled, n))
    if model is None:
        return None
    # the cut on the n-item scale; a small tolerance keeps 70.0000001% from moving up a score
    cut_scaled = n * (cut_raw - minimum) / (maximum - minimum)
    pass_from = math.ceil(cut_scaled - 1e-9)
    true_cut = cut_scaled / n
    edges = np.linspace(model.lower, model.upper, GRID + 1)
    weights = np.diff(sps.beta.cdf(edges, model.alpha, model.beta, loc=model.lower, scale=model.upper - model.lower))
    tau = (edges[:-1] + edges[1:]) / 2
    weights = weights / weights.sum()
    passing = sps.binom.sf(pass_from - 1, n, tau)  # P(X ≥ pass_from | τ)
    truly = tau >= true_cut
    false_pass = float((weights * passing * ~truly).sum())
    false_fail = float((weights * (1 - passing) * truly).sum())
    agree = float((weights * (passing**2 + (1 - passing) ** 2)).sum())
    rate = float((weights * passing).sum())
    chance = rate**2 + (1 - rate) ** 2
    return Decisions(
        method="Livingston-Lewis (1995), four-parameter beta true scores"
        if model.parameters == 4
        else "Livingston-Lewis (1995), two-parameter beta true scores",
        cut_raw=float(cut_raw),
        effective_length=n,
        model=model,
        accuracy=1.0 - false_pass - false_fail,
        false_pass=false_pass,
        false_fail=false_fail,
        consistency=agree,
        kappa=(agree - chance) / (1 - chance) if chance < 1 - 1e-12 else None,
        expected_pass_rate=rate,
    )
