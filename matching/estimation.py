"""Learn m, u and the prior from the data itself, with guards that fall back to the priors.

- u: the level shares among random record pairs (nearly all non-matches).
- m and the match share: EM over the candidate pairs' distinct level patterns. The EM's own
  non-match distribution is a nuisance (candidates agree more than random pairs), only m is
  kept. A Dirichlet pull towards the prior m (`em_prior_strength` pseudo-matches) keeps
  rare levels sane; `fix_m` / `fix_u` levels never move.
- prior λ: expected matches among the candidates divided by all record pairs.

Degenerate fits (match share outside the configured band, or so many matched pairs per
record that EM must have taken namesakes for matches) keep the prior m and say so in
`ModelParameters.notes`; the prior λ then comes from the candidates with near-certain
evidence, as Splink estimates it from deterministic rules: the configured λ is a guess
that is far too high for a large warehouse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from matching.arrays import distinct_pairs
from matching.scoring import ModelParameters, level_weights, prior_parameters
from matching.settings import MatchSettings

logger = logging.getLogger(__name__)
# A level this strong (prior m/u ≥ 2^20: a personal email, a mobile, a loyalty card)
# makes a candidate pair near-certain: 99% of such pairs are true on the hard demo sets.
NEAR_CERTAIN_BITS = 20.0

CodesMatrix = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float64]
# Level codes of given position pairs (the linker passes its compiled comparisons).
Comparer = Callable[[npt.NDArray[np.int64]], CodesMatrix]


def random_pairs(n: int, count: int, seed: int) -> npt.NDArray[np.int64]:
    """Up to `count` distinct random position pairs, left < right, reproducible by `seed`."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size=count, dtype=np.int64)
    right = rng.integers(0, n, size=count, dtype=np.int64)
    keep = left != right
    pairs = np.column_stack([np.minimum(left, right), np.maximum(left, right)])[keep]
    return distinct_pairs(pairs, n)


def estimate_u(
    parameters: ModelParameters, settings: MatchSettings, n: int, compare: Comparer
) -> tuple[ModelParameters, str]:
    scoring = settings.scoring
    count = min(scoring.u_sample_pairs, n * (n - 1) // 2)
    codes = compare(random_pairs(n, count, scoring.seed))
    floor = scoring.probability_floor
    fitted = []
    for column, (comparison, params) in enumerate(
        zip(settings.comparisons, parameters.comparisons, strict=True)
    ):
        observed = codes[:, column]
        observed = observed[observed >= 0]
        counts = np.bincount(observed, minlength=len(params.levels))
        total = max(int(counts.sum()), 1)
        u, source = list(params.u), list(params.u_source)
        for code, level in enumerate(comparison.ordered_levels()):
            if not level.fix_u and counts[code] >= scoring.u_min_count:
                u[code] = float(np.clip(counts[code] / total, floor, 1 - floor))
                source[code] = "estimated"
        fitted.append(replace(params, u=tuple(u), u_source=tuple(source)))
    note = f"u from {len(codes)} random pairs"
    return replace(parameters, comparisons=tuple(fitted)), note


def _patterns(codes: CodesMatrix) -> tuple[CodesMatrix, Floats]:
    """Distinct rows of level codes and how often each occurs."""
    base = int(codes.max(initial=0)) + 2
    key = np.zeros(len(codes), dtype=np.int64)
    for column in range(codes.shape[1]):
        key = key * base + codes[:, column].astype(np.int64) + 1
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    return codes[first], counts.astype(np.float64)


def _log_likelihood(patterns: CodesMatrix, probabilities: list[Floats]) -> Floats:
    total = np.zeros(len(patterns), dtype=np.float64)
    for column, p in enumerate(probabilities):
        table = np.log(np.append(p, 1.0))  # code -1 (missing) contributes log 1 = 0
        total += table[patterns[:, column].astype(np.int64)]
    return total


def _m_step(
    patterns: CodesMatrix,
    weights: Floats,
    prior_m: list[Floats],
    fixed: list[npt.NDArray[np.bool_]],
    strength: float,
) -> list[Floats]:
    result = []
    for column, prior in enumerate(prior_m):
        codes = patterns[:, column].astype(np.int64)
        seen = codes >= 0
        mass = np.bincount(codes[seen], weights=weights[seen], minlength=len(prior))
        free = ~fixed[column]
        estimate = mass + strength * prior
        share = float(estimate[free].sum())
        m = prior.copy()
        if share > 0 and free.any():
            m[free] = estimate[free] / share * max(1.0 - float(prior[fixed[column]].sum()), 1e-6)
        result.append(m)
    return result


def estimate_m(
    parameters: ModelParameters, settings: MatchSettings, codes: CodesMatrix
) -> tuple[ModelParameters, float | None, str]:
    """EM over the candidates; returns the parameters and the candidates' match share
    (None when the fit degenerated and the priors were kept)."""
    scoring = settings.scoring
    patterns, counts = _patterns(codes)
    fixed = [np.array([lv.fix_m for lv in c.ordered_levels()]) for c in settings.comparisons]
    prior_m = [np.array(c.m) for c in parameters.comparisons]
    m = [p.copy() for p in prior_m]
    u = []
    for column, p in enumerate(prior_m):  # start: the candidates' own level shares
        observed = patterns[:, column].astype(np.int64)
        seen = observed >= 0
        mass = np.bincount(observed[seen], weights=counts[seen], minlength=len(p)) + 1.0
        u.append(mass / mass.sum())
    share = 0.1
    iterations = 0
    for iterations in range(1, scoring.em_max_iterations + 1):  # noqa: B007
        log_ratio = _log_likelihood(patterns, u) - _log_likelihood(patterns, m)
        log_ratio += np.log(1 - share) - np.log(share)
        posterior = 1.0 / (1.0 + np.exp(np.clip(log_ratio, -700, 700)))
        share = float((posterior * counts).sum() / counts.sum())
        if not scoring.em_min_match_share <= share <= scoring.em_max_match_share:
            return parameters, None, f"EM degenerated (match share {share:.2e}); prior m kept"
        new_m = _m_step(patterns, posterior * counts, prior_m, fixed, scoring.em_prior_strength)
        u = _m_step(patterns, (1 - posterior) * counts, u, [np.zeros_like(f) for f in fixed], 1.0)
        change = max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True))
        m = new_m
        if change < scoring.em_tolerance:
            break
    floor = scoring.probability_floor
    fitted = []
    for params, values, frozen in zip(parameters.comparisons, m, fixed, strict=True):
        clamped = np.where(frozen, values, np.clip(values, floor, 1 - floor))
        source = tuple("prior" if f else "estimated" for f in frozen)
        fitted.append(replace(params, m=tuple(float(v) for v in clamped), m_source=source))
    note = f"m by EM over {len(codes)} candidate pairs, {iterations} iterations"
    return replace(parameters, comparisons=tuple(fitted)), share, note


def fit(
    settings: MatchSettings, n_records: int, candidate_codes: CodesMatrix, compare: Comparer
) -> ModelParameters:
    """Priors, refined by whatever the data supports (see the module docstring)."""
    scoring = settings.scoring
    parameters = prior_parameters(settings)
    notes: list[str] = []
    if scoring.estimate_u and n_records >= scoring.min_records_for_u:
        parameters, note = estimate_u(parameters, settings, n_records, compare)
        notes.append(note)
    if not scoring.estimate_m or len(candidate_codes) < scoring.min_pairs_for_em:
        return _noted(parameters, notes)
    fitted, share, note = estimate_m(parameters, settings, candidate_codes)
    notes.append(note)
    per_record = (share or 0.0) * len(candidate_codes) / max(n_records, 1)
    if share is not None and per_record > scoring.em_max_pairs_per_record:
        logger.warning(
            "EM calls %.1f candidate pairs per record matches: namesakes taken for matches? "
            "The prior m is kept; check the blocking rules' caps",
            per_record,
        )
        notes.append(f"EM degenerated ({per_record:.2g} matched pairs per record); prior m kept")
        share = None
    elif share is not None:
        parameters = fitted
    if not scoring.estimate_prior:
        return _noted(parameters, notes)
    all_pairs = n_records * (n_records - 1) / 2
    if share is not None:
        prior = float(np.clip(share * len(candidate_codes) / all_pairs, 1e-9, 0.5))
        notes.append(
            f"prior {prior:.3g} from EM match share {share:.3g} "
            f"({per_record:.2g} matched candidate pairs per record)"
        )
        return _noted(replace(parameters, prior=prior), notes)
    certain = int(
        (level_weights(candidate_codes, parameters) >= NEAR_CERTAIN_BITS).any(axis=1).sum()
    )
    if certain == 0:
        notes.append("no near-certain candidate pairs; configured prior kept")
        return _noted(parameters, notes)
    prior = float(np.clip(certain / scoring.near_certain_recall / all_pairs, 1e-9, 0.5))
    notes.append(
        f"prior {prior:.3g} from {certain} near-certain candidate pairs "
        f"(taken as {scoring.near_certain_recall:.0%} of the matches)"
    )
    return _noted(replace(parameters, prior=prior), notes)


def _noted(parameters: ModelParameters, notes: list[str]) -> ModelParameters:
    for note in notes:
        logger.info("match model: %s", note)
    return replace(parameters, notes=tuple(notes))
