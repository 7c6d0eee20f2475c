from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from matching.estimation import estimate_m, estimate_u, fit, random_pairs
from matching.scoring import prior_parameters
from matching.settings import MatchSettings
from tests.matching.helpers import settings


def _sample(
    rng: np.random.Generator, probabilities: list[npt.NDArray[np.float64]], n: int
) -> npt.NDArray[np.int8]:
    return np.column_stack(
        [rng.choice(len(p), size=n, p=p / p.sum()) for p in probabilities]
    ).astype(np.int8)


def _model(config: MatchSettings, seed: int) -> tuple[npt.NDArray[np.int8], list[np.ndarray]]:
    """Codes from a known two-class model: 20% matches; true m differs from the prior m."""
    rng = np.random.default_rng(seed)
    true_m = [np.array([lv.m for lv in c.ordered_levels()]) for c in config.comparisons]
    email = [c.name for c in config.comparisons].index("email")
    true_m[email] = np.array([0.3, 0.05, 0.15, 0.5])
    true_u = [np.r_[np.full(len(m) - 1, 0.02), 1.0] for m in true_m]  # mostly "different"
    codes = np.concatenate([_sample(rng, true_m, 10_000), _sample(rng, true_u, 40_000)])
    return codes, [m / m.sum() for m in true_m]


def test_random_pairs_are_distinct_ordered_and_reproducible() -> None:
    pairs = random_pairs(50, 500, seed=3)
    assert (pairs[:, 0] < pairs[:, 1]).all() and pairs.max() < 50
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)
    assert (pairs == random_pairs(50, 500, seed=3)).all()


def test_em_recovers_m_and_the_match_share() -> None:
    config = settings(scoring={"em_prior_strength": 0.0})
    codes, true_m = _model(config, seed=1)
    fitted, share, note = estimate_m(prior_parameters(config), config, codes)
    assert share == pytest.approx(0.2, abs=0.02)
    email = config.comparison("email")
    column = [c.name for c in config.comparisons].index("email")
    got = dict(zip(email.level_names, fitted.comparisons[column].m, strict=True))
    assert got["exact"] == pytest.approx(0.3, abs=0.03)
    assert got["different"] == pytest.approx(0.5, abs=0.03)
    assert "EM over 50000 candidate pairs" in note


def test_em_never_moves_fixed_m() -> None:
    config = settings(scoring={"em_prior_strength": 0.0})
    codes, _ = _model(config, seed=2)
    fitted, _, _ = estimate_m(prior_parameters(config), config, codes)
    first = config.comparison("first_name")
    position = [c.name for c in config.comparisons].index("first_name")
    different = first.code("different")
    assert fitted.comparisons[position].m[different] == first.ordered_levels()[different].m
    assert fitted.comparisons[position].m_source[different] == "prior"


@pytest.mark.parametrize("level", ["different", 0])  # nothing agrees / everything agrees
def test_degenerate_em_keeps_the_priors(level: str | int) -> None:
    config = settings()
    codes_of = [c.code(level) if isinstance(level, str) else level for c in config.comparisons]
    codes = np.tile(np.array(codes_of, dtype=np.int8), (5_000, 1))
    parameters = prior_parameters(config)
    fitted, share, note = estimate_m(parameters, config, codes)
    assert share is None and fitted == parameters
    assert "EM degenerated" in note


def test_u_from_random_pairs_respects_fix_u_and_the_floor() -> None:
    config = settings()
    email = config.comparison("email")
    column = [c.name for c in config.comparisons].index("email")

    def compare(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        codes = np.full((len(pairs), len(config.comparisons)), -1, dtype=np.int8)
        codes[:, column] = email.code("different")
        codes[:20, column] = email.code("exact")  # fixed u: must not move
        codes[20:25, column] = email.code("local_part")  # below u_min_count: prior kept
        return codes

    fitted, note = estimate_u(prior_parameters(config), config, 2_000, compare)
    u = dict(zip(email.level_names, fitted.comparisons[column].u, strict=True))
    sources = dict(zip(email.level_names, fitted.comparisons[column].u_source, strict=True))
    levels = {lv.name: lv for lv in email.levels}
    assert u["exact"] == levels["exact"].u and sources["exact"] == "prior"
    assert u["local_part"] == levels["local_part"].u
    assert sources["different"] == "estimated"
    assert u["different"] == pytest.approx(1 - 25 / len(random_pairs(2_000, 200_000, 42)))
    assert note.startswith("u from ")


def test_small_data_uses_the_priors() -> None:
    config = settings()
    codes = np.zeros((10, len(config.comparisons)), dtype=np.int8)
    fitted = fit(config, 5, codes, lambda pairs: codes)
    assert fitted == prior_parameters(config)
    assert fitted.notes == ()


def _near_certain(config: MatchSettings, codes: npt.NDArray[np.int8]) -> int:
    """Pairs agreeing on a personal email, a mobile or a one-person identifier."""
    hit = np.zeros(len(codes), dtype=bool)
    for name, level in (("email", "exact"), ("phone", "mobile"), ("identifiers", "unique")):
        column = [c.name for c in config.comparisons].index(name)
        hit |= codes[:, column] == config.comparison(name).code(level)
    return int(hit.sum())


def test_fit_says_how_many_matched_pairs_per_record() -> None:
    config = settings(scoring={"em_prior_strength": 0.0, "estimate_u": False})
    codes, _ = _model(config, seed=4)  # 50,000 candidate pairs, a fifth of them matches

    def compare(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        return codes[: len(pairs)]

    sound = fit(config, 10_000, codes, compare)
    assert any("(1 matched candidate pairs per record)" in note for note in sound.notes)
    assert sound.estimated
    assert sound.prior == pytest.approx(0.2 * 50_000 / (10_000 * 9_999 / 2), rel=0.1)


def test_em_taking_many_pairs_per_record_for_matches_keeps_the_prior_m(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """10,000 matched pairs among 500 records (20 each) is namesakes taken for matches:
    the prior m stays, and the prior comes from the near-certain pairs."""
    config = settings(scoring={"em_prior_strength": 0.0, "estimate_u": False})
    codes, _ = _model(config, seed=4)

    def compare(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        return codes[: len(pairs)]

    collapsed = fit(config, 500, codes, compare)
    assert "EM calls 20.0 candidate pairs per record matches" in caplog.text
    assert not collapsed.estimated
    assert collapsed.comparisons == prior_parameters(config).comparisons
    certain = _near_certain(config, codes)
    assert 0 < certain < len(codes)
    assert collapsed.prior == pytest.approx(certain / 0.7 / (500 * 499 / 2))
    assert any("EM degenerated (20 matched pairs per record)" in n for n in collapsed.notes)
    assert any(f"from {certain} near-certain candidate pairs" in n for n in collapsed.notes)


def test_a_degenerate_fit_takes_its_prior_from_the_near_certain_pairs() -> None:
    config = settings(scoring={"estimate_u": False})
    everything_agrees = np.zeros((5_000, len(config.comparisons)), dtype=np.int8)
    fitted = fit(config, 20_000, everything_agrees, lambda pairs: everything_agrees)
    assert fitted.comparisons == prior_parameters(config).comparisons
    assert fitted.prior == pytest.approx(5_000 / 0.7 / (20_000 * 19_999 / 2))
    differing = np.array([c.code("different") for c in config.comparisons], dtype=np.int8)
    nothing_agrees = np.tile(differing, (5_000, 1))
    kept = fit(config, 20_000, nothing_agrees, lambda pairs: nothing_agrees)
    assert any("EM degenerated" in note for note in kept.notes)
    assert kept.prior == config.scoring.prior_match_probability
    assert "configured prior kept" in kept.notes[-1]
