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


def test_fit_says_how_many_matched_pairs_per_record_and_warns_when_many(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = settings(scoring={"em_prior_strength": 0.0, "estimate_u": False})
    codes, _ = _model(config, seed=4)  # 50,000 candidate pairs, a fifth of them matches

    def compare(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        return codes[: len(pairs)]

    sound = fit(config, 10_000, codes, compare)
    assert any("(1 matched candidate pairs per record)" in note for note in sound.notes)
    assert "namesakes" not in caplog.text
    fit(config, 500, codes, compare)  # 10,000 matched pairs among 500 records: 20 each
    assert "EM calls 20.0 candidate pairs per record matches" in caplog.text
