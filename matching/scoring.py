"""Fellegi–Sunter scoring: per-level weights log2(m/u), summed per pair, turned into a
match probability with the prior λ (the chance that two random records match).

A missing field (on either side) takes no level and weighs 0: an id-only receipt is judged
by its identifier alone, not punished for the name it never had.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.settings import MatchSettings


@dataclass(frozen=True)
class ComparisonParameters:
    """m and u per level (code order) and where each came from ("prior" / "estimated")."""

    name: str
    levels: tuple[str, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]
    m_source: tuple[str, ...]
    u_source: tuple[str, ...]

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(math.log2(m / u) for m, u in zip(self.m, self.u, strict=True))


@dataclass(frozen=True)
class ModelParameters:
    """Everything that turns level codes into scores; `notes` say what was estimated."""

    comparisons: tuple[ComparisonParameters, ...]
    prior: float
    notes: tuple[str, ...] = ()

    @property
    def estimated(self) -> bool:
        """Whether any m came from the data (EM ran and did not degenerate)."""
        return any(source == "estimated" for c in self.comparisons for source in c.m_source)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def weight_table(self) -> npt.NDArray[np.float64]:
        """Row per comparison, column per level code; the last column (code -1) is 0."""
        width = max(len(c.levels) for c in self.comparisons) + 1
        table = np.zeros((len(self.comparisons), width), dtype=np.float64)
        for row, comparison in enumerate(self.comparisons):
            table[row, : len(comparison.levels)] = comparison.weights
        return table

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data that `from_dict` reads back exactly (stored with each match run)."""
        return {
            "prior": self.prior,
            "notes": list(self.notes),
            "comparisons": [
                {
                    "name": c.name,
                    "levels": list(c.levels),
                    "m": list(c.m),
                    "u": list(c.u),
                    "m_source": list(c.m_source),
                    "u_source": list(c.u_source),
                }
                for c in self.comparisons
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelParameters:
        return cls(
            comparisons=tuple(
                ComparisonParameters(
                    name=c["name"],
                    levels=tuple(c["levels"]),
                    m=tuple(float(v) for v in c["m"]),
                    u=tuple(float(v) for v in c["u"]),
                    m_source=tuple(c["m_source"]),
                    u_source=tuple(c["u_source"]),
                )
                for c in data["comparisons"]
            ),
            prior=float(data["prior"]),
            notes=tuple(data.get("notes", ())),
        )

    def describe(self) -> dict[str, Any]:
        """Plain data for reports: per comparison and level m, u, weight and their source."""
        return {
            "prior": self.prior,
            "notes": list(self.notes),
            "comparisons": {
                c.name: {
                    level: {"m": m, "u": u, "weight": round(w, 3), "m_source": ms, "u_source": us}
                    for level, m, u, w, ms, us in zip(
                        c.levels, c.m, c.u, c.weights, c.m_source, c.u_source, strict=True
                    )
                }
                for c in self.comparisons
            },
        }


def prior_parameters(settings: MatchSettings) -> ModelParameters:
    """The settings' priors, unchanged."""
    comparisons = []
    for comparison in settings.comparisons:
        levels = comparison.ordered_levels()
        comparisons.append(
            ComparisonParameters(
                name=comparison.name,
                levels=comparison.level_names,
                m=tuple(lv.m for lv in levels),
                u=tuple(lv.u for lv in levels),
                m_source=("prior",) * len(levels),
                u_source=("prior",) * len(levels),
            )
        )
    return ModelParameters(tuple(comparisons), settings.scoring.prior_match_probability)


def level_weights(
    codes: npt.NDArray[np.int8], parameters: ModelParameters
) -> npt.NDArray[np.float32]:
    """Weight of each pair's level per comparison (0 where missing)."""
    table = parameters.weight_table().astype(np.float32)
    weights = np.empty(codes.shape, dtype=np.float32)
    # Column by column from the int8 codes: indexing the table with all codes at once took
    # them as int64 first (390 MB at 5.4M pairs). Code -1 (missing) wraps to the last
    # column, which holds 0.
    for column, row in enumerate(table):
        np.take(row, codes[:, column], out=weights[:, column], mode="wrap")
    return weights


def match_probability(
    weights: npt.NDArray[np.float64] | npt.NDArray[np.float32], parameters: ModelParameters
) -> npt.NDArray[np.float64]:
    """P(match | levels) = 1 / (1 + 2^-(prior weight + total weight))."""
    logit = np.asarray(weights, dtype=np.float64) + parameters.prior_weight
    return 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))


def evidence(
    codes: npt.NDArray[np.int8], weights: npt.NDArray[np.float32], parameters: ModelParameters
) -> list[dict[str, dict[str, Any]]]:
    """Per pair: comparison name -> {"level", "weight"}, the explanation stored with links."""
    names: Sequence[str] = [c.name for c in parameters.comparisons]
    level_names = [(*c.levels, "missing") for c in parameters.comparisons]
    rounded = np.round(weights.astype(np.float64), 3).tolist()
    return [
        {
            name: {"level": level_names[i][code], "weight": row_weights[i]}
            for i, (name, code) in enumerate(zip(names, row_codes, strict=True))
        }
        for row_codes, row_weights in zip(codes.tolist(), rounded, strict=True)
    ]
