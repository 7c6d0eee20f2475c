"""kundenstamm schemas layer: canonical models, normalized types, per-source row parsing.

`parse_row` is imported lazily so that `from schemas.errors import …` stays cheap for the
layers that only need the error classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemas.parse import parse_row

__all__ = ["parse_row"]


def __getattr__(name: str) -> Any:
    if name == "parse_row":
        from schemas.parse import parse_row

        return parse_row
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")
