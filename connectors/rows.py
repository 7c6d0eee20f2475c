"""Small helpers every reader shares: malformed-row payloads, JSON Lines and chunking."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from connectors.base import RawRow

# A malformed row's text is kept for the quarantine; a record that swallowed the rest of a
# big file (an unclosed quote) must not take all of it into memory.
MAX_RAW_CHARS = 10_000
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def malformed(reason: str, raw: str) -> dict[str, Any]:
    """The `data` of a row that could not be split into columns: quarantined, never dropped."""
    if len(raw) > MAX_RAW_CHARS:
        raw = raw[:MAX_RAW_CHARS] + f"… [{len(raw) - MAX_RAW_CHARS} more characters]"
    return {"_malformed": reason, "_raw_line": raw}


def chunked(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    """Lists of at most `size` rows; lazy, so a reader's checks run at the first `next()`."""
    if size < 1:
        raise ValueError(f"chunksize must be at least 1, got {size}")
    chunk: list[RawRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def json_objects(handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(line, object)` for every non-blank line; broken lines as malformed data."""
    for number, text in enumerate(handle, start=1):
        stripped = text.strip()
        if not stripped:
            continue
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield number, malformed(f"not valid JSON: {exc.msg} at column {exc.colno}", stripped)
            continue
        if isinstance(value, dict):
            yield number, value
        else:
            kind = _JSON_TYPES.get(type(value), "value")
            yield number, malformed(f"a JSON {kind}, not an object", stripped)
