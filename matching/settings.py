"""Match settings as plain, serializable data: blocking rules, comparisons, thresholds.

Loaded from a dict or TOML and checked when they load, so a bad config never fails
half-way through a nightly run: every problem is collected and raised once as a
`ConfigError` (first all problems of single fields and items, then, once those are valid,
the cross-item ones such as duplicate names). Method names are `Literal`s; level names,
columns and thresholds are checked against `catalog`. `blocking` and `comparisons` compile
them into recordlinkage `Index` / `Compare` objects.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matching.catalog import (
    COLUMN_METHODS,
    FEATURE_COLUMNS,
    METHOD_LEVELS,
    TF_COLUMNS,
    THRESHOLD_COUNT,
    BlockMethod,
    ComparisonMethod,
)
from schemas.errors import ConfigError

# The modules whose code decides levels, weights and clusters (`MatchSettings.fingerprint`).
SCORING_CODE = (
    "comparisons.py", "similarity.py", "estimation.py", "scoring.py", "frequency.py",
    "clustering.py",
)  # fmt: skip


def digest_code(digest: Any, modules: Sequence[str]) -> None:
    """Add the source text of these `matching` modules to `digest` (a hashlib object):
    what a fingerprint holds so that stored results of other code are not reused."""
    for module in modules:
        digest.update(resources.files("matching").joinpath(module).read_bytes())


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_M = TypeVar("_M", bound=_Frozen)


class BlockingRule(_Frozen):
    """A named way to find candidate pairs; the run unions the pairs of all rules.

    `exact`: equal values in all `columns`; `any_of`: any shared value across the columns
    (phone or phone_alt, each identifier); `sorted_neighbourhood`: `window` neighbouring
    values of one sorted column. A value carried by more than `max_block_size` records (a
    generic coupon code, a call-centre number) makes no pairs: it would only add noise.
    An `exact` rule with `refine_with` columns first splits such an oversized block by
    them (all Müllers of a postcode by first initial) and drops only what is still too big.
    """

    name: str = Field(min_length=1)
    method: BlockMethod = "exact"
    columns: tuple[str, ...] = Field(min_length=1)
    window: int = Field(default=5, ge=3)
    max_block_size: int = Field(default=200, ge=2)
    refine_with: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        return _raise_if(_rule_problems(self), self)


class Level(_Frozen):
    """Prior m (share among matches) and u (share among non-matches) of a level.

    `fix_u` keeps u as given where random pairs cannot teach it: two random records almost
    never share a one-person identifier, email or mobile, and when they do they are mostly
    the same person, so a sampled u would undervalue them. `fix_m` keeps m where EM would
    learn the wrong lesson: households agree on surname, address and landline, so EM would
    call spouses matches and learn that a different first name is common among matches.
    """

    name: str
    m: float = Field(gt=0, lt=1)
    u: float = Field(gt=0, lt=1)
    fix_m: bool = False
    fix_u: bool = False


class Comparison(_Frozen):
    """One field comparison with its levels, strongest first (`catalog.METHOD_LEVELS`)."""

    name: str = Field(min_length=1)
    method: ComparisonMethod
    column: str | None = None  # the compared column of `catalog.COLUMN_METHODS`
    thresholds: tuple[float, ...] = ()  # Jaro-Winkler (high, mid) of the name methods
    levels: tuple[Level, ...]
    # Levels weighed by how common the agreeing value is (`catalog.TF_COLUMNS`, `frequency`).
    term_frequency: tuple[str, ...] = ()

    @property
    def level_names(self) -> tuple[str, ...]:
        """The method's levels in code order (code i = `level_names[i]`, -1 = missing)."""
        return METHOD_LEVELS[self.method]

    def ordered_levels(self) -> tuple[Level, ...]:
        by_name = {level.name: level for level in self.levels}
        return tuple(by_name[name] for name in self.level_names)

    def code(self, level: str) -> int:
        return self.level_names.index(level)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        return _raise_if(_comparison_problems(self), self)


class ScoringSettings(_Frozen):
    """How m, u and the prior are estimated, and the guards against bad estimates."""

    prior_match_probability: float = Field(default=1e-4, gt=0, lt=1)
    estimate_prior: bool = True  # from EM: expected matches among candidates / all pairs
    estimate_u: bool = True  # from random record pairs
    estimate_m: bool = True  # by EM over the candidate pairs
    u_sample_pairs: int = Field(default=200_000, ge=1_000)
    u_min_count: int = Field(default=10, ge=1)  # fewer sampled hits keep the prior u
    min_records_for_u: int = Field(default=1_000, ge=2)
    min_pairs_for_em: int = Field(default=1_000, ge=10)
    em_max_iterations: int = Field(default=30, ge=1)
    em_tolerance: float = Field(default=1e-4, gt=0)
    em_prior_strength: float = Field(default=50.0, ge=0)  # pseudo-matches pulling m to prior
    em_min_match_share: float = Field(default=1e-4, gt=0, lt=1)  # below: EM degenerated
    em_max_match_share: float = Field(default=0.9, gt=0, lt=1)  # above: EM degenerated
    # More matched candidate pairs per record than this: EM took namesakes for matches
    # (measured: 1.0 at 100,000 people, 4.8 at 250,000, 16 in a collapsed fit, F1 0.89).
    em_max_pairs_per_record: float = Field(default=10.0, gt=0)
    # When EM failed, the prior comes from the candidates with near-certain evidence (a
    # personal email, a mobile, a loyalty card): they are this share of all true pairs
    # (measured 0.69 on the hard demo sets, where 99% of them are true pairs).
    near_certain_recall: float = Field(default=0.7, gt=0, le=1)
    # Review verdicts shift the prior (see `calibration`) once there are this many; the
    # shift's normal prior has this spread in bits.
    calibration_min_verdicts: int = Field(default=30, ge=1)
    calibration_sd_bits: float = Field(default=2.0, gt=0)
    calibration_min_z: float = Field(default=3.0, ge=0)  # closer to the scores: kept as is
    probability_floor: float = Field(default=1e-4, gt=0, lt=0.5)  # clamp for estimates
    min_records_for_tf: int = Field(default=1_000, ge=2)  # fewer: frequencies are noise
    tf_min_u: float = Field(default=1e-6, gt=0, lt=1)  # floor of a value's frequency
    # u of a household's email or phone (the "shared" level) where the names agree: None
    # derives it from the frame (the level's u times the chance that two people's first
    # names agree, see `frequency.alike_first_name_share`); a number pins it.
    tf_same_name_household_u: float | None = Field(default=None, gt=0, lt=1)
    # Namesakes the frame cannot tell apart, per full name (see `frequency`).
    tf_unseen_namesakes: float = Field(default=0.1, gt=0)
    seed: int = 42


class ClusteringSettings(_Frozen):
    """Anti-chaining: a merge is refused when the merged cluster would hold a pair at one
    of these `comparison.level`s that was not itself linked (see `clustering`)."""

    veto_levels: tuple[str, ...] = (
        "first_name.different",
        "birth_date.different",
        "name_suffix.different",
        "phone.different",
    )


class IncrementalSettings(_Frozen):
    """When a run re-matches only what changed instead of everything (see `incremental`).

    A small warehouse re-matches fully: it takes seconds and refits m, u and the prior on
    all records. A run whose changed records exceed `max_changed_share`, or a warehouse
    grown by more than `max_growth` since the parameters were fitted, refits too.
    """

    min_records: int = Field(default=20_000, ge=0)
    max_changed_share: float = Field(default=0.05, ge=0, le=1)
    max_growth: float = Field(default=0.25, ge=0)


class MatchSettings(_Frozen):
    """Everything a match run needs; thresholds are match probabilities in 0..1."""

    blocking: tuple[BlockingRule, ...] = Field(min_length=1)
    comparisons: tuple[Comparison, ...] = Field(min_length=1)
    link_threshold: float = Field(gt=0, lt=1)  # at or above: automatic link
    review_threshold: float = Field(gt=0, lt=1)  # at or above (and below link): review
    scoring: ScoringSettings = ScoringSettings()
    clustering: ClusteringSettings = ClusteringSettings()
    nickname_files: tuple[str, ...] = ()  # CSV files of extra nickname groups
    incremental: IncrementalSettings = IncrementalSettings()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        return _raise_if(_problems(self), self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchSettings:
        """Validate plain data (parsed TOML/JSON); every problem in one `ConfigError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise ConfigError(_lines(error)) from None

    @classmethod
    def from_toml(cls, path: Path | str) -> MatchSettings:
        with Path(path).open("rb") as handle:
            return cls.from_dict(tomllib.load(handle))

    def to_dict(self) -> dict[str, Any]:
        """Plain data that `from_dict` reads back (tuples become lists in TOML/JSON)."""
        return self.model_dump(mode="json")

    def replace(self, **changes: Any) -> MatchSettings:
        """A validated copy with top-level fields replaced, e.g. `link_threshold=0.9`."""
        return self.from_dict({**self.to_dict(), **changes})

    def fingerprint(self) -> str:
        """A digest of everything that changes scores: these settings (the `incremental`
        policy left out) and the code that turns them into levels, weights and clusters.
        Stored parameters fitted under another fingerprint are not reused: after an
        upgrade that compares names otherwise, the next run matches in full once."""
        scoring = self.to_dict()
        scoring.pop("incremental")
        digest = hashlib.sha256(json.dumps(scoring, sort_keys=True).encode())
        digest_code(digest, SCORING_CODE)
        return digest.hexdigest()

    def comparison(self, name: str) -> Comparison:
        return next(c for c in self.comparisons if c.name == name)


def _lines(error: ValidationError) -> list[str]:
    lines: list[str] = []
    for detail in error.errors(include_url=False):
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, ConfigError):
            lines.extend(cause.problems)
            continue
        where = ".".join(str(part) for part in detail["loc"]) or "settings"
        lines.append(f"{where}: {detail['msg']} (got {detail.get('input')!r})")
    return lines


def _raise_if(problems: list[str], model: _M) -> _M:
    """Pydantic keeps a ValueError's cause; `from_dict` unpacks every problem from it."""
    if problems:
        raise ConfigError(problems)
    return model


def _duplicates(names: list[str]) -> list[str]:
    return sorted({n for n in names if names.count(n) > 1})


def _problems(settings: MatchSettings) -> list[str]:
    problems: list[str] = []
    if settings.review_threshold > settings.link_threshold:
        problems.append(
            f"review_threshold {settings.review_threshold} is above "
            f"link_threshold {settings.link_threshold}"
        )
    for name in _duplicates([r.name for r in settings.blocking]):
        problems.append(f"blocking rule {name!r} is defined twice")
    for name in _duplicates([c.name for c in settings.comparisons]):
        problems.append(f"comparison {name!r} is defined twice")
    known = {c.name: {lv.name for lv in c.levels} for c in settings.comparisons}
    for veto in settings.clustering.veto_levels:
        name, _, level = veto.partition(".")
        if level not in known.get(name, set()):
            problems.append(f"veto level {veto!r} names no comparison level")
    if settings.scoring.em_min_match_share >= settings.scoring.em_max_match_share:
        problems.append("scoring.em_min_match_share must be below em_max_match_share")
    return problems


def _rule_problems(rule: BlockingRule) -> list[str]:
    problems = [
        f"blocking rule {rule.name!r}: unknown column {column!r}"
        for column in (*rule.columns, *rule.refine_with)
        if column not in FEATURE_COLUMNS
    ]
    if rule.refine_with and rule.method != "exact":
        problems.append(f"blocking rule {rule.name!r}: refine_with is for exact rules only")
    if rule.method == "sorted_neighbourhood" and (len(rule.columns) != 1 or rule.window % 2 == 0):
        problems.append(
            f"blocking rule {rule.name!r}: sorted_neighbourhood takes one column "
            f"and an odd window (got {len(rule.columns)} columns, window {rule.window})"
        )
    return problems


def _comparison_problems(comparison: Comparison) -> list[str]:
    where = f"comparison {comparison.name!r}"
    problems: list[str] = []
    expected = METHOD_LEVELS[comparison.method]
    given = [level.name for level in comparison.levels]
    for name in _duplicates(given):
        problems.append(f"{where}: level {name!r} is defined twice")
    if missing := [n for n in expected if n not in given]:
        problems.append(f"{where}: missing levels {missing} of method {comparison.method!r}")
    if unknown := [n for n in given if n not in expected]:
        problems.append(
            f"{where}: unknown levels {unknown}; method {comparison.method!r} has {list(expected)}"
        )
    count = THRESHOLD_COUNT.get(comparison.method, 0)
    thresholds = comparison.thresholds
    if len(thresholds) != count:
        problems.append(f"{where}: takes {count} thresholds, got {list(thresholds)}")
    elif list(thresholds) != sorted(thresholds, reverse=True) or not all(
        0 < t <= 1 for t in thresholds
    ):
        problems.append(f"{where}: thresholds must fall from 1 towards 0, got {list(thresholds)}")
    adjustable = TF_COLUMNS.get(comparison.method, {})
    if unknown := [n for n in comparison.term_frequency if n not in adjustable]:
        problems.append(
            f"{where}: term_frequency levels {unknown} cannot be adjusted; "
            f"method {comparison.method!r} allows {list(adjustable)}"
        )
    takes_column = comparison.method in COLUMN_METHODS
    if takes_column and comparison.column not in FEATURE_COLUMNS:
        problems.append(
            f"{where}: method {comparison.method!r} needs a known column, got {comparison.column!r}"
        )
    if not takes_column and comparison.column is not None:
        problems.append(f"{where}: only methods {sorted(COLUMN_METHODS)} take a column")
    return problems


def default_settings() -> MatchSettings:
    """The shipped settings (`matching.defaults.DEFAULT_SETTINGS`, tuned on German data)."""
    from matching.defaults import DEFAULT_SETTINGS

    return MatchSettings.from_dict(DEFAULT_SETTINGS)
