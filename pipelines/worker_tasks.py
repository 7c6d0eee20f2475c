"""What the worker process (`pipelines.worker`) can be asked to do, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipelines.match import count_frequencies_apart, drop_features_ahead, read_features_ahead
from pipelines.quality import drawn_staged_report, scores_of

WORKER_TASKS: dict[str, Callable[..., Any]] = {
    "staged_report": drawn_staged_report,
    "scores": scores_of,
    "read_features_ahead": read_features_ahead,
    "frequencies": count_frequencies_apart,
    "drop_features_ahead": drop_features_ahead,
}
