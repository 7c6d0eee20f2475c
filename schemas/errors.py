"""The error hierarchy: one base class, layers subclass it and carry their data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

# Union member tags pydantic adds to an error's location (`email.str`, `x.function-after[…]`).
_TYPE_TAGS = frozenset(
    {"str", "int", "float", "bool", "none", "date", "datetime", "decimal", "list", "dict"}
)


class KundenstammError(Exception):
    """Base of every error kundenstamm raises on purpose; the CLI turns it into one clear line."""


class ConfigError(KundenstammError, ValueError):
    """A setting, option or config file is invalid; the message lists every problem."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class UnknownSource(KundenstammError, KeyError):
    """A source kind or record kind that kundenstamm does not know."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown source {name!r}; known: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class SourceFormatError(KundenstammError, ValueError):
    """A landing file does not have the shape its name promises; it is skipped whole."""

    def __init__(
        self, *, source: str, path: Path | str, reason: str, line: int | None = None
    ) -> None:
        self.source = source
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path.name}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{source}: {where}: {reason}")


class RowRejected(KundenstammError, ValueError):
    """A row failed validation; it goes to quarantine with these reasons (one per field)."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> RowRejected:
        """One line per bad field, e.g. `email: 'foo@' is not a valid email address`."""
        lines: dict[str, str] = {}
        for detail in error.errors(include_url=False):
            parts = [
                str(p)
                for p in detail["loc"]
                if not (isinstance(p, str) and (p in _TYPE_TAGS or "[" in p))
            ]
            field = ".".join(parts) or "row"
            message = detail["msg"].removeprefix("Value error, ")
            value = detail.get("input")
            if not isinstance(value, dict) and repr(value) not in message:
                message = f"{message} (got {value!r})"
            lines.setdefault(field, f"{field}: {message}")
        return cls(list(lines.values()))


class RowSkipped(KundenstammError):
    """A well-formed row that is out of scope by rule (a helpdesk agent, a coupon rollback).

    It is counted as skipped with its reason, never silently dropped.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class WarehouseError(KundenstammError):
    """The warehouse cannot be reached, is locked by another run, or holds unexpected state."""


class NotFound(KundenstammError, LookupError):
    """A customer, record or run that the warehouse does not hold."""
