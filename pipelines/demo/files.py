"""Writing deliveries byte-for-byte reproducibly: plain files, folders and zips.

Zip members get a fixed timestamp and fixed attributes (zipfile would otherwise stamp the
wall clock and the host OS into them), so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO


@contextmanager
def text_file(path: Path, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text file written as given; characters the encoding lacks become `?`, as a
    Windows export of a name like `Yıldız` does."""
    with path.open("w", encoding=encoding, errors="replace", newline="") as handle:
        yield handle


class Bundle:
    """A delivery made of several files: a folder, or a zip of the same name plus `.zip`."""

    def __init__(self, path: Path, *, zipped: bool, stamp: datetime) -> None:
        self.path = path.with_name(path.name + ".zip") if zipped else path
        self.stamp = stamp
        self._zip = zipfile.ZipFile(self.path, "w") if zipped else None
        if self._zip is None:
            self.path.mkdir()

    @contextmanager
    def member(self, name: str, *, encoding: str = "utf-8") -> Iterator[TextIO]:
        if self._zip is None:
            with text_file(self.path / name, encoding=encoding) as handle:
                yield handle
            return
        info = zipfile.ZipInfo(name, date_time=self.stamp.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3  # unix, whatever the host
        info.external_attr = 0o644 << 16
        with (
            self._zip.open(info, "w") as raw,
            io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as handle,
        ):
            yield handle

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Echo:
    """A file-like object whose `write` hands the text back: csv.writer.writerow then
    returns the rendered line instead of writing it."""

    def write(self, text: str) -> str:
        return text


class LineRenderer:
    """Renders one CSV line as a string, for rows cached between snapshot days."""

    def __init__(self, **fmt: Any) -> None:
        self._writer = csv.writer(_Echo(), **fmt)

    def render(self, row: Iterable[object]) -> str:
        line: str = self._writer.writerow(row)  # writerow returns what `write` returned
        return line
