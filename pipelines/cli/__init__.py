"""The `kundenstamm` command line for ops: each module adds its commands to one app."""

from pipelines.cli import core, decisions, inspect, privacy  # noqa: F401  (registers the commands)
from pipelines.cli.common import app

__all__ = ["app"]
