"""The config of a generic source: `[[generic_sources]]` in kundenstamm.toml.

A company adds a touchpoint the five reference formats do not cover (event sign-ups, a
CRM table, a web form) by naming its format, its natural key and which column holds which
canonical field. Everything is checked when the config loads, and every problem is
reported at once with where it is, so a typo never surfaces half-way through a night run.
"""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from schemas.names import NameOrder
from schemas.records import KIND_MAX_LENGTH, KIND_PATTERN, RECORD_KINDS
from schemas.sources.generic import (
    DEFAULT_TIMEZONE,
    PERSON_FIELDS,
    TOUCHPOINT_FIELDS,
    GenericField,
)

GenericFormat = Literal["csv", "jsonl", "sql"]
FILE_FORMATS: tuple[GenericFormat, ...] = ("csv", "jsonl")
SQL_FILE_KIND = "generic_sql"  # the manifest's file kind of a SQL pull

_KIND = re.compile(KIND_PATTERN)
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")  # a file name's start, no path
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CURSOR_PARAM = re.compile(r"(?<![:\w]):cursor\b")
_PROBE_DAY = date(1987, 6, 5)  # day, month and year all differ: a format must keep each


def _format_of(info: ValidationInfo) -> GenericFormat | None:
    """The source's format when it validated (else its own error is reported already)."""
    value = info.data.get("format")
    return value if value in ("csv", "jsonl", "sql") else None


def _only_for(info: ValidationInfo, value: object, formats: tuple[GenericFormat, ...]) -> None:
    fmt = _format_of(info)
    if value is not None and fmt is not None and fmt not in formats:
        raise ValueError(f"only for format {' or '.join(formats)}, not {fmt}")


class GenericSource(BaseModel):
    """One generic source: where its rows come from and what their columns mean."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str  # the record kind (`source`) of its records
    format: GenericFormat
    key: tuple[str, ...] = Field(default=(), validate_default=True)
    columns: dict[GenericField, str] = Field(default_factory=dict, validate_default=True)
    touchpoint: str | None = Field(default=None, validate_default=True)
    # csv / jsonl: files <file_prefix>_YYYY-MM-DD.csv / .jsonl in the landing folder
    file_prefix: str | None = Field(default=None, validate_default=True)
    delimiter: str | None = None  # csv; None: ","
    encoding: str | None = None  # None: detected like every other delivery
    decimal: Literal[".", ","] = "."
    thousands: Literal["", ".", ",", " ", "'"] = ""
    date_format: str | None = None  # strptime format; None: DD.MM.YYYY or ISO
    timezone: str = DEFAULT_TIMEZONE  # of timestamps written without an offset
    name_order: NameOrder = "first_last"  # of `full_name`
    # sql: a query with `:cursor`, run against `url` (or the URL in env var `url_env`)
    url: str | None = Field(default=None, validate_default=True, repr=False)  # may hold a password
    url_env: str | None = Field(default=None, validate_default=True)
    query: str | None = Field(default=None, validate_default=True)
    cursor_column: str | None = Field(default=None, validate_default=True)
    cursor_start: str | None = Field(default=None, validate_default=True)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _KIND.fullmatch(value) or len(value) > KIND_MAX_LENGTH:
            raise ValueError(
                f"{value!r} is no record kind: lower-case letters, digits and _, starting "
                f"with a letter, at most {KIND_MAX_LENGTH} characters"
            )
        if value in RECORD_KINDS:
            raise ValueError(f"{value!r} is a built-in record kind; choose another name")
        return value

    @field_validator("key")
    @classmethod
    def _key(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError('name the natural key column(s), e.g. key = ["Teilnehmer-ID"]')
        if any(not column.strip() for column in value):
            raise ValueError("a key column name is blank")
        if len(set(value)) < len(value):
            raise ValueError("a key column is named twice")
        return value

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[GenericField, str]) -> dict[GenericField, str]:
        problems = [f"{field} names no column" for field, column in value.items() if not column]
        if "street_and_number" in value and {"street", "house_number"} & set(value):
            problems.append("map street_and_number or street / house_number, not both")
        if not set(PERSON_FIELDS) & set(value):
            problems.append(
                f"map at least one field that names a person: {', '.join(PERSON_FIELDS)}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("touchpoint")
    @classmethod
    def _touchpoint(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and (not _KIND.fullmatch(value) or len(value) > KIND_MAX_LENGTH):
            raise ValueError(
                f"{value!r} is no touchpoint kind: lower-case letters, digits and _, "
                "starting with a letter"
            )
        orphans = [f for f in TOUCHPOINT_FIELDS if f in (info.data.get("columns") or {})]
        if value is None and orphans:
            raise ValueError(
                f"columns {', '.join(orphans)} belong to a touchpoint: "
                'set touchpoint = "<kind>" (e.g. "event")'
            )
        return value

    @field_validator("file_prefix")
    @classmethod
    def _file_prefix(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, FILE_FORMATS)
        fmt = _format_of(info)
        if value is None and fmt in FILE_FORMATS:
            raise ValueError(f"a {fmt} source needs file_prefix (files <file_prefix>_YYYY-MM-DD)")
        if value is not None and not _PREFIX.fullmatch(value):
            raise ValueError(f"{value!r} is no file name start (letters, digits, _ . -)")
        return value

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, ("csv",))
        if value is not None and (len(value) != 1 or value in '"\r\n'):
            raise ValueError(f"{value!r} is no delimiter: one character, not a quote or newline")
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, FILE_FORMATS)
        if value is None:
            return None
        try:
            codec = codecs.lookup(value)
        except LookupError:
            raise ValueError(f"{value!r} is no encoding Python knows") from None
        if "a\n".encode(codec.name, "replace") != b"a\n":  # UTF-16 and the like
            raise ValueError(f"{value!r} is no line-based text encoding; use UTF-8 or cp1252")
        return codec.name  # "windows-1252" -> "cp1252", the name the manifest records

    @field_validator("thousands")
    @classmethod
    def _thousands(cls, value: str, info: ValidationInfo) -> str:
        if value and value == info.data.get("decimal"):
            raise ValueError(f"{value!r} cannot be both the decimal and the thousands separator")
        return value

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            back = datetime.strptime(_PROBE_DAY.strftime(value), value).date()
        except ValueError:
            back = None
        if back != _PROBE_DAY:
            raise ValueError(
                f"{value!r} is no date format that keeps day, month and year, e.g. '%d.%m.%Y'"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is no time zone, e.g. 'Europe/Berlin'") from None
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, ("sql",))
        if value is not None:
            try:
                make_url(value)
            except ArgumentError:
                raise ValueError("not a database URL (postgresql://…, sqlite:///…)") from None
        return value

    @field_validator("url_env")
    @classmethod
    def _url_env(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, ("sql",))
        if value is not None and not _ENV_NAME.fullmatch(value):
            raise ValueError(f"{value!r} is no environment variable name")
        if "url" not in info.data:  # an invalid url: reported on its own
            return value
        has_url = info.data["url"] is not None
        if _format_of(info) == "sql" and has_url == (value is not None):
            which = "both" if has_url else "neither"
            raise ValueError(
                f"a sql source needs url or url_env (the name of an environment variable "
                f"holding the URL, to keep passwords out of this file); {which} given"
            )
        return value

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, ("sql",))
        if _format_of(info) == "sql":
            if value is None or not value.strip():
                raise ValueError("a sql source needs query")
            if not _CURSOR_PARAM.search(value):
                raise ValueError(
                    "the query must filter on :cursor, e.g. "
                    "WHERE changed_at > :cursor ORDER BY changed_at"
                )
        return value

    @field_validator("cursor_column")
    @classmethod
    def _cursor_column(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, ("sql",))
        if _format_of(info) == "sql" and not (value and value.strip()):
            raise ValueError("a sql source needs cursor_column: the column :cursor filters on")
        return value

    @field_validator("cursor_start")
    @classmethod
    def _cursor_start(cls, value: str | None, info: ValidationInfo) -> str | None:
        _only_for(info, value, ("sql",))
        if _format_of(info) == "sql" and value is None:
            raise ValueError(
                "a sql source needs cursor_start: :cursor on the first run, below every "
                "cursor value, as the database casts it: '1900-01-01' for dates and "
                "timestamps, '0' for increasing ids, '' for text"
            )
        return value

    # -- what readers need ----------------------------------------------------------------
    @property
    def required_columns(self) -> tuple[str, ...]:
        """Every key and mapped column, in config order: a delivery must have them all."""
        return tuple(dict.fromkeys((*self.key, *self.columns.values())))

    @property
    def file_suffix(self) -> str:
        return ".jsonl" if self.format == "jsonl" else ".csv"

    def row_options(self) -> dict[str, str]:
        """How the values are written, as the mapper needs it on every row; defaults left out
        to keep the stored raw rows small."""
        options = {
            "touchpoint": self.touchpoint,
            "decimal": None if self.decimal == "." else self.decimal,
            "thousands": self.thousands or None,
            "date_format": self.date_format,
            "timezone": None if self.timezone == DEFAULT_TIMEZONE else self.timezone,
            "name_order": None if self.name_order == "first_last" else self.name_order,
        }
        return {k: v for k, v in options.items() if v is not None}
