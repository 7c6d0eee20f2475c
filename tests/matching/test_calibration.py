from __future__ import annotations

import random

import numpy as np
import pytest

from matching.calibration import calibrate, prior_shift
from matching.evaluation import pairwise_metrics
from matching.linker import LinkResult, link_records
from matching.scoring import prior_parameters
from tests.matching.helpers import settings
from tests.matching.synthetic import synthetic_records


def _labelled(shift_bits: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds (bits) of a model whose intercept is `shift_bits` too low, and verdicts
    drawn from the true odds."""
    rng = np.random.default_rng(seed)
    logits = rng.uniform(-8, 8, size=n)
    matched = rng.random(n) < 1 / (1 + np.exp2(-(logits + shift_bits)))
    return logits, matched


def test_the_shift_that_fits_the_verdicts_is_found() -> None:
    logits, matched = _labelled(3.0, 4_000, seed=1)
    assert prior_shift(logits, matched, sd_bits=100.0) == pytest.approx(3.0, abs=0.3)
    logits, matched = _labelled(-2.0, 4_000, seed=2)
    assert prior_shift(logits, matched, sd_bits=100.0) == pytest.approx(-2.0, abs=0.3)


def test_a_few_verdicts_move_the_prior_little() -> None:
    logits, matched = _labelled(3.0, 40, seed=3)
    assert abs(prior_shift(logits, matched, sd_bits=0.1)) < 0.1


def test_calibration_waits_for_enough_verdicts() -> None:
    config = settings(scoring={"calibration_min_verdicts": 30})
    parameters = prior_parameters(config)
    totals, matched = _labelled(3.0, 29, seed=4)
    assert calibrate(parameters, totals, matched, config.scoring) is parameters
    totals, matched = _labelled(3.0, 300, seed=4)
    calibrated = calibrate(parameters, totals - parameters.prior_weight, matched, config.scoring)
    assert calibrated.prior > parameters.prior
    assert "calibrated on 300 verdicts" in calibrated.notes[-1]


def test_verdicts_that_agree_with_the_scores_keep_the_prior() -> None:
    config = settings()
    parameters = prior_parameters(config)
    totals, matched = _labelled(0.0, 300, seed=6)  # drawn from the model's own odds
    kept = calibrate(parameters, totals - parameters.prior_weight, matched, config.scoring)
    assert kept.prior == parameters.prior
    assert "300 verdicts agree with the model" in kept.notes[-1]


def test_review_verdicts_repair_a_prior_set_far_too_low() -> None:
    """With a prior of 1e-9 nothing links; 120 reviewed pairs (a steward's verdicts drawn
    from the truth) put the prior back where the data wants it."""
    records, truth = synthetic_records(600, seed=11)
    config = settings(scoring={"estimate_prior": False, "prior_match_probability": 1e-9})
    blind = link_records(records, config)
    ids = list(truth)
    rng = random.Random(5)
    by_person: dict[int, list[int]] = {}
    for record, person in truth.items():
        by_person.setdefault(person, []).append(record)
    same = [tuple(members[:2]) for members in by_person.values() if len(members) > 1]
    verdicts = [(a, b, True) for a, b in rng.sample(same, 60)]
    while len(verdicts) < 120:
        a, b = rng.sample(ids, 2)
        if truth[a] != truth[b] and records.at[a, "last_name"] == records.at[b, "last_name"]:
            verdicts.append((a, b, False))
    calibrated = link_records(records, config, verdicts=verdicts)
    assert blind.parameters is not None and calibrated.parameters is not None
    assert calibrated.parameters.prior > 1e-6
    assert any("calibrated on 120 verdicts" in note for note in calibrated.parameters.notes)

    def f1(result: LinkResult) -> float:
        clusters = result.clusters
        return pairwise_metrics(dict(zip(clusters.index, clusters, strict=True)), truth).f1

    assert f1(calibrated) > f1(blind) + 0.1  # measured: 0.42 -> 0.75
