"""Matching's columns of every record (`matching.features.build_features`), kept between
runs so that an incremental match recomputes only the records that changed
(`matching.features.refreshed_features`).

They are Arrow IPC files (LZ4-compressed) in `match_feature_part`: a full match writes one
part holding every record, an incremental match adds a part with the rows it changed (the
records it recomputed and the carriers of values whose sharing it judged again), and
reading merges the parts, a later part's row winning. Parts made under another
fingerprint (other feature code or nickname lists) are not used. Erasure deletes every
part (`forget_features`): the next match recomputes them, and no erased value outlives
its record here.

Every incremental match decodes all records' columns first, so the format is the one that
decodes fastest: Arrow's own, texts dictionary-encoded as written. Measured on 357k
records in a fresh process: 0.32-0.41 s against 0.50-0.67 s from zstd Parquet (which
parts were before: they are still read), at twice the bytes (31 MB against 15 MB).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from matching.arrays import distinct_sorted
from matching.catalog import TUPLE_COLUMNS
from warehouse.models import MatchFeaturePart

MAX_PARTS = 8  # beyond: the next match writes all records as one part again


@dataclass(frozen=True)
class StoredFeatures:
    """The merged parts as an Arrow table (one row per record id, ascending; texts
    dictionary-encoded), the latest pipeline run that wrote a part, and how many parts
    there are. Decoded into Python objects as needed (`matching.features.StoredColumns`):
    an incremental match decodes its kept rows straight into the refreshed frame
    (`merged`) rather than all rows into one frame and then copying them into another."""

    table: pa.Table
    run_id: int
    parts: int

    @property
    def record_ids(self) -> npt.NDArray[np.int64]:
        ids: npt.NDArray[np.int64] = self.table.column("record_id").to_numpy()
        return ids

    @property
    def frame(self) -> pd.DataFrame:
        """Every row, decoded."""
        return _frame(self.table)

    def rows(self, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
        """The rows at `positions` (ascending), decoded."""
        return _frame(self.table, positions)

    def merged(self, kept: npt.NDArray[np.int64], fresh: pd.DataFrame) -> pd.DataFrame:
        """The rows at `kept` (ascending positions) and the `fresh` rows (the same columns)
        in record-id order, index 0..n-1, decoded into one object block at once."""
        frame = _frame(self.table, kept, fresh)
        _release()
        return frame


Listing = list[tuple[int, int, str]]  # each part's id, run and fingerprint, in order


def stored_features(
    session: Session, fingerprint: str, ahead: ReadAhead | None = None
) -> StoredFeatures | None:
    """The stored columns, or None when there are none or any part has another
    fingerprint (they must all be recomputed). What `ahead` read is taken when it read
    for the same fingerprint and the parts are still the ones it read."""
    listing = _listing(session)
    if ahead is not None:
        early = ahead.take()
        if early is not None and ahead.fingerprint == fingerprint and early[0] == listing:
            return early[1]
    return _merged_parts(session, listing, fingerprint)


class ReadAhead:
    """The stored parts, read on a thread of their own while the run stages its deliveries
    (an incremental match needs them only after staging, and reading them is the
    database's and Arrow's work, off the interpreter lock: 0.2 s at 394k records).
    `stored_features` takes them if the parts have not changed since; `discard` lets
    them go (a full match, a run without a match). Decoding them here too was measured:
    it holds the interpreter lock, so staging slowed by about what the match gained."""

    def __init__(self, sessions: Callable[[], Session], fingerprint: str) -> None:
        self.fingerprint = fingerprint
        pool = ThreadPoolExecutor(1, thread_name_prefix="feature-read-ahead")
        self._read: Future[tuple[Listing, StoredFeatures | None]] | None = pool.submit(
            self._parts, sessions, fingerprint
        )
        pool.shutdown(wait=False)  # the thread ends with the reading

    @staticmethod
    def _parts(
        sessions: Callable[[], Session], fingerprint: str
    ) -> tuple[Listing, StoredFeatures | None]:
        with sessions() as session:
            listing = _listing(session)
            return listing, _merged_parts(session, listing, fingerprint)

    def take(self) -> tuple[Listing, StoredFeatures | None] | None:
        """What was read (waiting for it), once; None if the reading failed: the caller
        reads the parts itself."""
        read, self._read = self._read, None
        if read is None or read.exception() is not None:
            return None
        return read.result()

    def discard(self) -> None:
        """Let what was read go, back to the system: waits for a reading under way, so
        that a full match does not start with its columns in memory."""
        read, self._read = self._read, None
        if read is not None and not read.cancel():
            read.exception()  # waits for the reading to end
        del read
        _release()


def _listing(session: Session) -> Listing:
    rows = session.execute(
        select(MatchFeaturePart.id, MatchFeaturePart.run_id, MatchFeaturePart.fingerprint).order_by(
            MatchFeaturePart.id
        )
    )
    return [(part, run, stamp) for part, run, stamp in rows]


def _merged_parts(session: Session, listing: Listing, fingerprint: str) -> StoredFeatures | None:
    """The parts of `listing` merged, or None when there are none or any part has
    another fingerprint."""
    if not listing or any(stamp != fingerprint for _, _, stamp in listing):
        return None
    payloads = session.scalars(
        select(MatchFeaturePart.payload)
        .where(MatchFeaturePart.id.in_([part for part, _, _ in listing]))
        .order_by(MatchFeaturePart.id)
    ).all()
    tables = [_table(payload) for payload in payloads]
    del payloads
    table = tables[0]
    if len(tables) > 1:  # a later part's row wins
        table = pa.concat_tables(tables).unify_dictionaries().combine_chunks()
        ids = table.column("record_id").to_numpy()
        _, last = np.unique(ids[::-1], return_index=True)  # ascending ids
        table = table.take(pa.array(len(ids) - 1 - last, pa.int64()))
    return StoredFeatures(table, max(run for _, run, _ in listing), len(listing))


def store_features(
    session: Session, run_id: int, fingerprint: str, frame: pd.DataFrame, *, replace: bool
) -> None:
    """Add `frame` (build_features rows) as a part; `replace` drops the others first."""
    if replace:
        forget_features(session)
    # A Core insert with its values as parameters: an ORM object would hold the payload
    # (31 MB at 357k records) in the session until the match commits, on top of its peak,
    # and values built into the statement could stay with its cached compiled form.
    part = {
        "run_id": run_id,
        "fingerprint": fingerprint,
        "records": len(frame),
        "payload": _arrow_file(frame),  # Arrow's bytes, handed to the driver without a copy
        "at": datetime.now(UTC),
    }
    session.execute(insert(MatchFeaturePart), part)
    del part
    _release()  # the Arrow columns and the payload are gone now


def forget_features(session: Session) -> None:
    """Delete every part (after an erasure; a full match writes them again)."""
    session.execute(delete(MatchFeaturePart))


def _arrow_file(frame: pd.DataFrame) -> memoryview:
    """An Arrow IPC file of the frame: texts dictionary-encoded (each distinct text stored
    once, and decoded once), tuples of texts as lists. Texts are encoded from their
    pandas codes, never as whole string columns: those would add 100 MB to a full match's
    peak at 357k records."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if name in TUPLE_COLUMNS:  # tuples of text: Arrow lists
            tuples = values.tolist()
            offsets = np.zeros(len(tuples) + 1, dtype=np.int32)
            np.cumsum([len(v) for v in tuples], out=offsets[1:])
            flat = pa.array(list(chain.from_iterable(tuples)), pa.string())
            columns[name] = pa.ListArray.from_arrays(pa.array(offsets), flat)
        elif values.dtype == object:
            codes, texts = pd.factorize(values.to_numpy())
            indices = pa.array(codes.astype(np.int32), mask=codes < 0)
            columns[name] = pa.DictionaryArray.from_arrays(indices, pa.array(texts, pa.string()))
        else:
            columns[name] = pa.Array.from_pandas(values)
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    # On this thread: Arrow's pool threads keep what they allocated (mimalloc's per-thread
    # heaps), 60 MiB more at a full match's peak at 357k records.
    options = ipc.IpcWriteOptions(compression="lz4", use_threads=False)
    with ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return memoryview(sink.getvalue())  # the written bytes, not a copy of them


def _conformed(table: pa.Table) -> pa.Table:
    """Texts (and columns of nothing but missing values) dictionary-encoded, lists as
    lists of text: one schema for every part, whichever version wrote it."""
    columns = []
    for field in table.schema:
        column = table.column(field.name)
        if pa.types.is_list(field.type):
            column = column.cast(pa.list_(pa.string()))
        elif pa.types.is_string(field.type) or pa.types.is_null(field.type):
            column = column.cast(pa.string()).dictionary_encode()
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _decode(payload: bytes) -> pd.DataFrame:
    frame = _frame(_table(payload))
    _release()
    return frame


_ARROW_MAGIC = b"ARROW1"


def _table(payload: bytes) -> pa.Table:
    """The stored table, texts dictionary-encoded: an Arrow file as written, or a Parquet
    part of an earlier version conformed to it."""
    if payload[: len(_ARROW_MAGIC)] == _ARROW_MAGIC:
        options = ipc.IpcReadOptions(use_threads=False)  # see `_arrow_file`
        return ipc.open_file(pa.BufferReader(payload), options=options).read_all()
    schema = pq.read_schema(pa.BufferReader(payload))
    texts = [field.name for field in schema if pa.types.is_string(field.type)]
    return _conformed(pq.read_table(pa.BufferReader(payload), read_dictionary=texts))


def _object_columns(table: pa.Table) -> list[str]:
    """The columns decoded into Python objects: tuples and texts."""
    return [
        name
        for name in table.column_names
        if name in TUPLE_COLUMNS or pa.types.is_dictionary(table.schema.field(name).type)
    ]


def _frame(
    table: pa.Table, kept: npt.NDArray[np.int64] | None = None, fresh: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rows of `table` (those at `kept`, ascending positions, if given) as a frame, its
    text and tuple columns decoded into one object block; with `fresh` rows (the same
    columns, in memory) joined in record-id order: an incremental match's refreshed
    frame, decoded at once rather than as a frame of every stored row copied into another.

    Each distinct text is made a Python string once and its rows share it; tuple columns
    become tuples; both are written straight into the block the frame keeps (building a
    frame from separate columns copies them all into one block again). The other columns
    are inserted as their own blocks. 357k records: 0.83 s with Arrow's conversion, 0.5 s
    so (from Parquet)."""
    if fresh is None and kept is not None and len(kept) * _FEW < table.num_rows:
        table, kept = _compacted(table.take(pa.array(kept, pa.int64()))), None
    names = table.column_names
    objects = _object_columns(table)
    rows = np.arange(table.num_rows) if kept is None else kept
    size = len(rows) + (0 if fresh is None else len(fresh))
    order = None  # the rows' order: as stored, or by record id with the fresh ones
    if fresh is not None:
        ids = np.concatenate(
            [table.column("record_id").to_numpy()[rows], fresh["record_id"].to_numpy()]
        )
        order = np.argsort(ids, kind="stable")
    block = np.empty((len(objects), size), dtype=object)
    for row, name in enumerate(objects):
        column = table.column(name).combine_chunks()
        added = _NONE if fresh is None else fresh[name].to_numpy(dtype=object)
        if name in TUPLE_COLUMNS:
            taken = column if kept is None else column.take(pa.array(kept, pa.int64()))
            source = np.empty(size, dtype=object)
            _tuples(taken, source[: len(rows)])
            source[len(rows) :] = added
            codes = np.arange(size)
        else:  # each distinct stored text once, None, then the fresh values
            texts = column.dictionary.to_pylist()
            source = np.empty(len(texts) + 1 + len(added), dtype=object)
            source[: len(texts)] = texts
            source[len(texts)] = None
            source[len(texts) + 1 :] = added
            stored = column.indices.fill_null(len(texts)).to_numpy()
            codes = np.concatenate(
                [stored if kept is None else stored[kept], np.arange(len(texts) + 1, len(source))]
            )
        np.take(source, codes if order is None else codes[order], out=block[row])
    frame = pd.DataFrame(block.T, columns=objects, copy=False)
    for position, name in enumerate(names):
        if name not in objects:
            values = table.column(name).to_numpy()[rows]
            if fresh is not None:
                values = np.concatenate([values, fresh[name].to_numpy()])[order]
            frame.insert(position, name, values)
    return frame


_NONE = np.empty(0, dtype=object)  # no fresh rows
_FEW = 8  # rows of a table: decoding them decodes only their own texts (`_compacted`)


def _compacted(table: pa.Table) -> pa.Table:
    """`table` with each text column's dictionary cut to the texts its rows hold: a few
    rows taken from all records keep every record's texts as their dictionary, and
    decoding that (a few hundred thousand strings per column) cost more than the rows."""
    columns = [
        column.combine_chunks().dictionary_decode().dictionary_encode()
        if pa.types.is_dictionary(column.type)
        else column
        for column in table.columns
    ]
    return pa.table(columns, names=table.column_names)


def _tuples(values: pa.ListArray, out: npt.NDArray[np.object_]) -> None:
    """A list column as tuples into `out` (to_pandas would make them arrays). Rows are
    taken by length: the tuples of one length are zipped from its element columns."""
    offsets = values.offsets.to_numpy()
    flat = values.flatten().to_numpy(zero_copy_only=False)
    starts, lengths = offsets[:-1], np.diff(offsets)
    for length in distinct_sorted(lengths).tolist():
        rows = np.flatnonzero(lengths == length)
        elements = [flat[starts[rows] + at].tolist() for at in range(length)]
        out[rows] = (
            np.fromiter(zip(*elements, strict=True), dtype=object, count=len(rows))
            if length
            else _EMPTY
        )


def _one_empty_tuple() -> npt.NDArray[np.object_]:
    empty = np.empty(1, dtype=object)
    empty[0] = ()
    return empty


_EMPTY = _one_empty_tuple()  # broadcast into the rows without elements


def _release() -> None:
    """Hand Arrow's freed buffers back to the system: its allocator keeps them (180 MiB
    after encoding 357k records), which would sit on top of the match's peak."""
    pa.default_memory_pool().release_unused()
