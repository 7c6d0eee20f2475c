"""What every single-file connector shares: facts over the one file, rows read in chunks."""

from __future__ import annotations

from collections.abc import Iterator, Set

from connectors.base import NOTHING_KNOWN, FileFacts, FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.rows import chunked


class SingleFileConnector:
    """A delivery that is one file; subclasses yield its rows from `_rows`."""

    file_kinds: tuple[FileKind, ...] = ()

    def declared_encoding(self, file: LandingFile) -> str | None:
        """The encoding the delivery's configuration declares; None: detect it."""
        return None

    def facts(self, file: LandingFile) -> FileFacts:
        with Container(file) as box:
            return box.facts([(None, self.declared_encoding(file))])

    def read(
        self, file: LandingFile, *, chunksize: int = 10_000, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[list[RawRow]]:
        """Every row whole, unless the format gives text digests (`CsvConnector`)."""
        return chunked(self._rows(file), chunksize)

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        raise NotImplementedError
