"""Where a delivery's bytes are: one file, a folder (DSFinV-K) or a zip archive.

Readers ask for members by name and get binary or text streams; the container hides
whether they come from disk or from a zip, so a DSFinV-K folder and the same export
zipped yield the same rows. Nothing is extracted: members are streamed.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import PurePosixPath
from types import TracebackType
from typing import BinaryIO, TextIO, cast

from connectors.base import FileFacts, LandingFile
from connectors.encoding import EncodingChoice, Undecodable, detect_encoding
from schemas.errors import SourceFormatError

_HASH_BLOCK = 1 << 20
_MAX_ENCODING_LABEL = 20  # the manifest's column size


# Reading failed: I/O errors, a damaged zip member (BadZipFile: bad CRC; zlib.error).
_UNREADABLE = (OSError, zipfile.BadZipFile, zlib.error)
# Opening failed, too: an encrypted zip member (RuntimeError), a missing one (KeyError).
_UNOPENABLE = (*_UNREADABLE, RuntimeError, KeyError)
_LITTER = frozenset({"__macosx", "thumbs.db", "desktop.ini"})
# (path, member, declared codec, size, mtime) -> the codec chosen for that exact file
_CHOICES: dict[tuple[str, str | None, str | None, int, int], EncodingChoice] = {}
_CACHE_SIZE = 4096


def is_hidden(name: str) -> bool:
    """Dot files, lock and temp files (`~$…`, `.~lock…#`) and OS litter carry no data."""
    return name.startswith((".", "~")) or name.lower() in _LITTER


class Container:
    """The bytes of one delivery; use as a context manager (a zip stays open inside)."""

    def __init__(self, file: LandingFile) -> None:
        self.path = file.path
        self.source = file.record_kind
        self._zip: zipfile.ZipFile | None = None

    def __enter__(self) -> Container:
        if self.path.is_file() and self.path.suffix.lower() == ".zip":
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise self.fail(f"not a readable zip archive: {exc}") from None
        elif not self.path.exists():
            raise self.fail("the delivery vanished from the landing folder")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._zip is not None:
            self._zip.close()

    def fail(
        self, reason: str, line: int | None = None, member: str | None = None
    ) -> SourceFormatError:
        """The error that skips this delivery whole; the member is named in the reason."""
        text = f"{member}: {reason}" if member else reason
        return SourceFormatError(source=self.source, path=self.path, line=line, reason=text)

    # -- members -----------------------------------------------------------------------
    def members(self) -> list[str]:
        """Member names (POSIX paths) of a folder or zip, sorted; hidden files left out."""
        if self._zip is not None:
            names = [i.filename for i in self._zip.infolist() if not i.is_dir()]
        elif self.path.is_dir():
            names = [
                p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()
            ]
        else:
            return []
        return sorted(n for n in names if not any(is_hidden(p) for p in PurePosixPath(n).parts))

    def open_bytes(self, member: str | None) -> AbstractContextManager[BinaryIO]:
        """A binary stream of a member (`None`: the delivery itself, a plain file)."""
        return self._open(member)

    @contextmanager
    def _open(self, member: str | None) -> Iterator[BinaryIO]:
        stream: BinaryIO
        try:
            if self._zip is not None and member is not None:
                stream = cast(BinaryIO, self._zip.open(member))  # reads like a binary file
            else:
                stream = (self.path if member is None else self.path / member).open("rb")
        except _UNOPENABLE as exc:
            raise self.fail(f"cannot be read: {exc}", member=member) from None
        with stream:
            yield stream

    def encoding_of(self, member: str | None, declared: str | None = None) -> EncodingChoice:
        """Scan a member and choose its codec, or refuse the whole delivery.

        The choice is remembered for the unchanged file, so the facts check and the read
        that follows it scan the bytes once, not twice.
        """
        stat = self.path.stat()
        key = (str(self.path), member, declared, stat.st_size, stat.st_mtime_ns)
        if key in _CHOICES:
            return _CHOICES[key]
        try:
            choice = detect_encoding(lambda: self.open_bytes(member), declared=declared)
        except Undecodable as exc:
            raise self.fail(exc.reason, exc.line, member) from None
        except _UNREADABLE as exc:  # a damaged zip member shows only when it is read
            raise self.fail(f"cannot be read: {exc}", member=member) from None
        if len(_CHOICES) >= _CACHE_SIZE:
            _CHOICES.clear()
        _CHOICES[key] = choice
        return choice

    @contextmanager
    def open_text(
        self, member: str | None, encoding: str, *, newline: str = ""
    ) -> Iterator[TextIO]:
        """A text stream in an encoding `encoding_of` chose (so decoding cannot fail midway)."""
        with self.open_bytes(member) as stream:
            yield io.TextIOWrapper(stream, encoding=encoding, newline=newline)

    # -- facts -------------------------------------------------------------------------
    def digest(self) -> tuple[str, int]:
        """SHA-256 and size; a folder hashes its sorted member names, sizes and bytes."""
        sha = hashlib.sha256()
        if not self.path.is_dir():
            self._feed(sha.update, None)
            return sha.hexdigest(), self.path.stat().st_size
        total = 0
        for member in self.members():
            size = (self.path / member).stat().st_size
            sha.update(f"{member}\0{size}\0".encode())
            self._feed(sha.update, member)
            total += size
        return sha.hexdigest(), total

    def _feed(self, update: Callable[[bytes], object], member: str | None) -> None:
        with self.open_bytes(member) as stream:
            try:
                while block := stream.read(_HASH_BLOCK):
                    update(block)
            except _UNREADABLE as exc:
                raise self.fail(f"cannot be read: {exc}", member=member) from None

    def facts(self, texts: Sequence[tuple[str | None, str | None]]) -> FileFacts:
        """Hash and size of the delivery and the codec of each text member it will read.

        `texts` are `(member, declared encoding)` pairs; `None` as member is a plain file.
        """
        sha256, size = self.digest()
        choices = [(member, self.encoding_of(member, declared)) for member, declared in texts]
        chosen = list(dict.fromkeys(choice.encoding for _, choice in choices))
        notes = [f"{m}: {c.note}" if m else c.note for m, c in choices if c.note]
        label = "+".join(chosen) or "binary"
        if len(chosen) > 1:  # which member is which, when they differ
            notes.extend(f"{m}: {c.encoding}" for m, c in choices if m)
        if len(label) > _MAX_ENCODING_LABEL:
            label = "mixed"
        return FileFacts(sha256=sha256, encoding=label, size_bytes=size, notes=tuple(notes))
