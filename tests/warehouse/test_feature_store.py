"""Matching's stored columns: parts merge with the later row winning, another fingerprint
or an erasure leaves nothing to reuse, every value comes back as it went in."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import event, func, select

from matching.catalog import TUPLE_COLUMNS
from matching.features import build_features, record_features, refreshed_features
from tests.matching.helpers import frame, rec
from tests.matching.synthetic import synthetic_records
from warehouse.engine import create_schema, engine_for, session_factory
from warehouse.feature_store import (
    ReadAhead,
    forget_features,
    store_features,
    stored_features,
)
from warehouse.models import MatchFeaturePart
from warehouse.runs import start_run

BACKENDS = ["sqlite", "postgresql"]


def _columns() -> pd.DataFrame:
    return record_features(
        frame(
            rec(first_name="Jürgen", last_name="Weiß", email="J.Weiss@web.de",
                identifiers=("card:K-004711", "shop_customer:7012345678901"),
                birth_date=date(1978, 3, 14), street="Hauptstraße", house_number="5"),
            rec(first_name="H.-P.", last_name="Kühn", phone="+4915112345678"),
            rec(first_name=None, last_name=None, email="info@firma.de", identifiers=()),
            ids=[3, 8, 21],
        )
    )  # fmt: skip


@pytest.mark.parametrize("warehouse_url", BACKENDS, indirect=True)
def test_parts_merge_and_come_back_as_stored(warehouse_url: str) -> None:
    engine = engine_for(warehouse_url)
    create_schema(engine)
    columns = _columns()
    with session_factory(engine).begin() as session:
        first = start_run(session, "landing")
        store_features(session, first, "v1", columns, replace=True)
    with session_factory(engine).begin() as session:
        stored = stored_features(session, "v1")
        assert stored is not None and (stored.run_id, stored.parts) == (first, 1)
        pd.testing.assert_frame_equal(stored.frame, columns)  # tuples, None, bools, ints
        second = start_run(session, "landing")
        changed = record_features(frame(rec(first_name="Hans-Peter", last_name="Kühn"), ids=[8]))
        store_features(session, second, "v1", changed, replace=False)
    with session_factory(engine).begin() as session:
        merged = stored_features(session, "v1")
        assert merged is not None and (merged.run_id, merged.parts) == (second, 2)
        assert merged.frame["record_id"].tolist() == [3, 8, 21]
        assert merged.frame["first_name_key"].tolist()[1] == "hanspeter"  # the later part
        assert stored_features(session, "v2") is None  # other feature code: recompute all
        forget_features(session)  # an erasure
        assert stored_features(session, "v1") is None
        assert session.scalar(select(func.count()).select_from(MatchFeaturePart)) == 0


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_replacing_part_drops_the_others(warehouse_url: str) -> None:
    engine = engine_for(warehouse_url)
    create_schema(engine)
    with session_factory(engine).begin() as session:
        run = start_run(session, "landing")
        for _ in range(3):
            store_features(session, run, "v1", _columns(), replace=False)
        store_features(session, run, "v1", _columns().iloc[:1], replace=True)
        stored = stored_features(session, "v1")
        assert stored is not None and stored.parts == 1
        assert stored.frame["record_id"].tolist() == [3]


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_tuples_of_any_length_and_an_empty_part_come_back(warehouse_url: str) -> None:
    """Tuple columns are decoded by length: rows of one, two, three or no identifiers
    side by side, a column of empty tuples only, and a part without rows."""
    engine = engine_for(warehouse_url)
    create_schema(engine)
    identifiers = [("card:1",), (), ("card:2", "shop_customer:5", "coupon:X"), ("card:3", "x:1")]
    columns = record_features(
        frame(*(rec(last_name="Kühn", identifiers=ids) for ids in identifiers), ids=[1, 2, 3, 4])
    )
    columns["identifiers_common"] = [()] * len(columns)
    with session_factory(engine).begin() as session:
        run = start_run(session, "landing")
        store_features(session, run, "v1", columns, replace=True)
        stored = stored_features(session, "v1")
        assert stored is not None
        pd.testing.assert_frame_equal(stored.frame, columns)
        assert stored.frame["identifiers"].tolist() == identifiers
        assert all(type(value) is tuple for value in stored.frame["identifiers_common"])
        store_features(session, run, "v1", columns.iloc[:0], replace=True)
        empty = stored_features(session, "v1")
        assert empty is not None
        pd.testing.assert_frame_equal(empty.frame, columns.iloc[:0].reset_index(drop=True))


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_few_rows_decode_as_the_same_rows_of_every_record(warehouse_url: str) -> None:
    """A few rows of many (a day's changed records) decode only their own texts, and come
    back as those rows of the whole frame: texts, missing ones, tuples, numbers; also no
    rows, and rows whose text column holds nothing."""
    engine = engine_for(warehouse_url)
    create_schema(engine)
    columns = build_features(synthetic_records(24, seed=5)[0])  # 46 records
    columns.loc[columns.index[[3, 40]], "email"] = None  # rows 3 and 40: no email
    with session_factory(engine).begin() as session:
        store_features(session, start_run(session, "landing"), "v1", columns, replace=True)
        stored = stored_features(session, "v1")
    assert stored is not None
    whole = stored.frame
    for few in ([3, 17, 40], [3, 40], [len(whole) - 1], []):
        positions = np.asarray(few, dtype=np.int64)
        expected = whole.iloc[positions].reset_index(drop=True)
        pd.testing.assert_frame_equal(stored.rows(positions), expected)
    assert stored.rows(np.asarray([3, 40]))["email"].tolist() == [None, None]


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_parquet_part_of_an_earlier_version_is_still_read(warehouse_url: str) -> None:
    """Parts were Parquet files (texts plain, tuples as lists) before they were Arrow
    files: a warehouse upgraded in place reads them, and its next part is an Arrow file."""
    engine = engine_for(warehouse_url)
    create_schema(engine)
    columns = _columns()
    arrays = {
        name: pa.array([list(v) for v in columns[name]], pa.list_(pa.string()))
        if name in TUPLE_COLUMNS
        else pa.Array.from_pandas(columns[name])
        for name in columns.columns
    }
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays), buffer, compression="zstd")
    with session_factory(engine).begin() as session:
        run = start_run(session, "landing")
        session.add(
            MatchFeaturePart(
                run_id=run, fingerprint="v1", records=len(columns),
                payload=buffer.getvalue(), at=datetime.now(UTC),
            )
        )  # fmt: skip
        stored = stored_features(session, "v1")
        assert stored is not None
        pd.testing.assert_frame_equal(stored.frame, columns)
        store_features(session, run, "v1", columns.iloc[:1], replace=False)
        payloads = session.scalars(select(MatchFeaturePart.payload).order_by(MatchFeaturePart.id))
        assert [bytes(p)[:4] for p in payloads] == [b"PAR1", b"ARRO"]  # the files' magic
        merged = stored_features(session, "v1")
        assert merged is not None
        pd.testing.assert_frame_equal(merged.frame, columns)


@pytest.mark.parametrize("warehouse_url", BACKENDS, indirect=True)
def test_stored_columns_refresh_into_the_whole_frame_over_parts(warehouse_url: str) -> None:
    """An incremental match decodes the kept rows of the stored parts straight into the
    refreshed frame: the same frame as recomputing every record, and as refreshing the
    decoded frame in memory; its rewritten rows, stored as a part, read back merged."""
    engine = engine_for(warehouse_url)
    create_schema(engine)
    records, _ = synthetic_records(300, seed=3)
    rng = np.random.default_rng(9)
    ids = records.index.to_numpy()
    stored_frame = build_features(records)
    edited = records.copy()
    chosen = rng.choice(ids, size=len(ids) // 4, replace=False)
    edited.loc[chosen, "email"] = records.loc[rng.choice(ids, size=len(chosen)), "email"].to_numpy()
    removed = rng.choice(np.setdiff1d(ids, chosen), size=15, replace=False)
    added = records.loc[rng.choice(ids, size=25, replace=False)].copy()
    added.index = pd.RangeIndex(ids.max() + 1, ids.max() + 26)
    now = pd.concat([edited.drop(index=removed), added])
    changed = now.loc[np.concatenate([np.setdiff1d(chosen, removed), added.index.to_numpy()])]
    with session_factory(engine).begin() as session:
        first = start_run(session, "landing")
        store_features(session, first, "v1", stored_frame, replace=True)
    with session_factory(engine).begin() as session:
        stored = stored_features(session, "v1")
        assert stored is not None
        refreshed, rewritten = refreshed_features(stored, changed, now.index)
        in_memory, rewritten_in_memory = refreshed_features(stored_frame, changed, now.index)
        pd.testing.assert_frame_equal(refreshed, build_features(now))
        pd.testing.assert_frame_equal(refreshed, in_memory)
        assert (rewritten == rewritten_in_memory).all() and rewritten.sum() > len(changed)
        store_features(
            session, start_run(session, "landing"), "v1", refreshed[rewritten], replace=False
        )
    with session_factory(engine).begin() as session:
        merged = stored_features(session, "v1")
        assert merged is not None and merged.parts == 2
        # The removed records' rows stay in the first part until it is compacted.
        kept = ~np.isin(merged.record_ids, removed)
        pd.testing.assert_frame_equal(merged.frame[kept].reset_index(drop=True), refreshed)


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_refresh_that_only_removes_records(warehouse_url: str) -> None:
    """No record recomputed, one gone: its mobile stops being shared by the other."""
    engine = engine_for(warehouse_url)
    create_schema(engine)
    before = frame(
        rec(first_name="Anna", last_name="Berg", phone="+4917011111111"),
        rec(first_name="Udo", last_name="Lenz", phone="+4917011111111"),
        rec(first_name="Eva", last_name="Roth"),
        ids=[1, 2, 3],
    )
    now = before.loc[[1, 3]]
    with session_factory(engine).begin() as session:
        store_features(
            session, start_run(session, "landing"), "v1", build_features(before), replace=True
        )
        stored = stored_features(session, "v1")
        assert stored is not None
        refreshed, rewritten = refreshed_features(stored, now.iloc[:0], now.index)
    pd.testing.assert_frame_equal(refreshed, build_features(now))
    assert rewritten.tolist() == [True, False]


@pytest.mark.parametrize("warehouse_url", BACKENDS, indirect=True)
def test_parts_read_ahead_are_taken_while_they_are_still_the_stored_ones(
    warehouse_url: str,
) -> None:
    """A run reads the parts on a thread while it stages: its match takes them without
    reading a payload itself, unless a part was written or deleted since."""
    engine = engine_for(warehouse_url)
    create_schema(engine)
    sessions = session_factory(engine)
    columns = _columns()
    with sessions.begin() as session:
        first = start_run(session, "landing")
        store_features(session, first, "v1", columns, replace=True)
    payload_reads: list[int] = []

    def count_payload_reads(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "payload" in statement and statement.lstrip().upper().startswith("SELECT"):
            payload_reads.append(threading.get_ident())

    event.listen(engine, "before_cursor_execute", count_payload_reads)
    try:
        ahead = ReadAhead(sessions, "v1")
        with sessions() as session:
            stored = stored_features(session, "v1", ahead)
        assert stored is not None
        pd.testing.assert_frame_equal(stored.frame, columns)
        assert threading.get_ident() not in payload_reads  # read by the thread only
        assert ahead.take() is None  # taken once

        stale = ReadAhead(sessions, "v1")
        with sessions.begin() as session:  # a part written after the reading
            second = start_run(session, "landing")
            changed = record_features(frame(rec(first_name="Hans-Peter"), ids=[8]))
            store_features(session, second, "v1", changed, replace=False)
        with sessions() as session:
            merged = stored_features(session, "v1", stale)
        assert merged is not None and merged.parts == 2  # read again, not the stale one
        assert threading.get_ident() in payload_reads

        gone = ReadAhead(sessions, "v1")
        gone.discard()
        assert gone.take() is None
        other = ReadAhead(sessions, "v2")  # other feature code: nothing to reuse
        with sessions() as session:
            assert stored_features(session, "v2", other) is None
        read_for_other = ReadAhead(sessions, "v2")  # read for another fingerprint: not taken
        with sessions() as session:
            again = stored_features(session, "v1", read_for_other)
        assert again is not None and again.parts == 2
    finally:
        event.remove(engine, "before_cursor_execute", count_payload_reads)
