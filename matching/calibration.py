"""Calibrate the match model on people's review verdicts (`Constraints.reviewed`).

EM fits m and u without labels. The part of the model it pins down least is the prior
λ, the intercept of every score: it rests on the match share EM gives the candidates.
Each verdict is a labelled pair with a total field weight W, and the scores
p = 1 / (1 + 2^-(log2 λ/(1-λ) + δ + W)) should agree with the verdicts. So the prior is
moved by the δ (in bits) that makes the verdicts most likely, pulled towards 0 by a
normal prior of `ScoringSettings.calibration_sd_bits`, so that a few verdicts move it
little. Verdicts come from the review band, where the thresholds are, which is where a
wrong intercept costs most.

Only verdicts that contradict the model clearly move it: the accepted count must lie
more than `calibration_min_z` (3) standard deviations from the count the scores predict.
One shift moves every score, and the review band's calibration is not the link
threshold's: on the hard demo sets (EM's prior sound), 300 verdicts drawn from the
review band gave z of +1.0, +0.8 and -2.0, and the last one's shift of -0.36 bits cost
0.7 points of F1. A prior off by orders of magnitude gives z in the tens.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from matching.scoring import ModelParameters, match_probability
from matching.settings import ScoringSettings

LN2 = math.log(2)


def prior_shift(
    logits_bits: npt.NDArray[np.float64], matched: npt.NDArray[np.bool_], sd_bits: float
) -> float:
    """The MAP shift δ (bits) of the labelled pairs' log-odds `logits_bits` (prior
    included), by Newton's method on the penalized log-likelihood (concave: one optimum)."""
    y = matched.astype(np.float64)
    delta = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp2(-np.clip(logits_bits + delta, -1000, 1000)))
        gradient = LN2 * float(np.sum(y - p)) - delta / sd_bits**2
        curvature = LN2**2 * float(np.sum(p * (1 - p))) + 1 / sd_bits**2
        step = gradient / curvature
        delta += step
        if abs(step) < 1e-9:
            break
    return delta


def calibrate(
    parameters: ModelParameters,
    totals: npt.NDArray[np.float64],
    matched: npt.NDArray[np.bool_],
    scoring: ScoringSettings,
) -> ModelParameters:
    """`parameters` with the prior shifted to fit the verdicts (`totals`: each labelled
    pair's summed field weight; `matched`: one person or two); fewer than
    `scoring.calibration_min_verdicts` verdicts leave it as it is."""
    if len(totals) < scoring.calibration_min_verdicts:
        return parameters
    logits = totals + parameters.prior_weight
    predicted = match_probability(totals, parameters)
    spread = max(float(np.sqrt(np.sum(predicted * (1 - predicted)))), 1e-9)
    z = (float(matched.sum()) - float(predicted.sum())) / spread
    if abs(z) < scoring.calibration_min_z:
        note = (
            f"{len(totals)} verdicts agree with the model ({int(matched.sum())} one person, "
            f"{predicted.sum():.0f} expected, z {z:+.1f}); prior kept"
        )
        return replace(parameters, notes=(*parameters.notes, note))
    delta = prior_shift(logits, matched, scoring.calibration_sd_bits)
    odds = parameters.prior_weight + delta
    prior = float(np.clip(1.0 / (1.0 + 2.0**-odds), 1e-9, 0.5))
    note = (
        f"prior {prior:.3g} calibrated on {len(totals)} verdicts ({int(matched.sum())} one "
        f"person, {int((~matched).sum())} two; {predicted.sum():.0f} expected, z {z:+.1f}): "
        f"{delta:+.2f} bits"
    )
    return replace(parameters, prior=prior, notes=(*parameters.notes, note))
