"""Small typed helpers to build landing deliveries in `tmp_path` and read them back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from connectors.base import LandingFile, RawRow
from connectors.landing import read_file, recognize
from schemas.errors import SourceFormatError
from tests.conftest import SAMPLES

POS_FOLDER = SAMPLES / "pos_dsfinvk_KASSE-01_2024-05-01_Z0412"


def delivery(path: Path) -> LandingFile:
    """The landing file a path is recognised as (fails the test if it is not)."""
    found = recognize(path)
    assert found is not None, f"{path.name} is not recognised"
    return found


def write(path: Path, text: str, encoding: str = "utf-8") -> LandingFile:
    """Write `text` (newlines as given) and return it as a delivery."""
    path.write_bytes(text.encode(encoding))
    return delivery(path)


def write_zip(path: Path, members: dict[str, bytes]) -> LandingFile:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return delivery(path)


def rows_of(file: LandingFile, *, chunksize: int = 10_000) -> list[RawRow]:
    return [row for chunk in read_file(file, chunksize=chunksize) for row in chunk]


def refused(file: LandingFile) -> SourceFormatError:
    """The error raised by the first `next()`: proof that no chunk was delivered before it."""
    chunks = read_file(file)
    with pytest.raises(SourceFormatError) as info:
        next(chunks)
    return info.value
