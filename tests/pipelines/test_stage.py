"""Staging one delivery: an unchanged delivery is known by its stamp, without a read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

import pipelines.stage as stage_module
from connectors.base import FileFacts, LandingFile
from connectors.landing import discover, file_stamp
from pipelines.stage import (
    RowOutcome,
    StageOutcome,
    delivery_of,
    needs_loading,
    parse_rows,
    stage_delivery,
)
from tests.conftest import SAMPLES
from warehouse.engine import engine_for, session_factory
from warehouse.models import IngestedFile, SourceRecord
from warehouse.runs import start_run
from warehouse.staging import current_versions

SHOP = "shop_customers_2024-05-01.csv"
POS = "pos_dsfinvk_KASSE-01_2024-05-01_Z0412"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    shutil.copy(SAMPLES / SHOP, folder / SHOP)
    shutil.copytree(SAMPLES / POS, folder / POS)
    return folder


def _stage(url: str, landing: Path, name: str, *, reprocess: bool = False) -> StageOutcome:
    (file,) = [f for f in discover(landing).files if f.path.name == name]
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, str(landing))
        return stage_delivery(session, run_id, landing, file, reprocess=reprocess)


def _stamps(url: str, name: str) -> list[str | None]:
    with session_factory(engine_for(url))() as session:
        return list(session.scalars(select(IngestedFile.stamp).where(IngestedFile.path == name)))


def _same_size_other_bytes(path: Path) -> None:
    """Rewrite a file with other bytes of the same size and put its old times back."""
    facts = path.stat()
    data = path.read_bytes()
    assert data.endswith(b"\n") and data[-2:-1] != b"X"
    path.write_bytes(data[:-2] + b"X\n")
    os.utime(path, ns=(facts.st_atime_ns, facts.st_mtime_ns))


def test_a_loaded_delivery_is_known_by_its_stamp_without_a_read(
    warehouse_url: str, landing: Path
) -> None:
    first = _stage(warehouse_url, landing, SHOP)
    assert first.status == "loaded" and first.counts.read > 0
    (stamp,) = _stamps(warehouse_url, SHOP)
    assert stamp == file_stamp(next(f for f in discover(landing).files if f.path.name == SHOP))
    # Other bytes under the same size and modification time: the stamp says unchanged and
    # nothing is read (a read would see a new hash and load the changed row). This is the
    # quick check rsync makes; `--reprocess` reads the delivery whatever its stamp.
    _same_size_other_bytes(landing / SHOP)
    assert _stage(warehouse_url, landing, SHOP).status == "unchanged"
    again = _stage(warehouse_url, landing, SHOP, reprocess=True)
    assert again.status == "loaded" and again.counts.read == first.counts.read


def test_a_touched_delivery_is_hashed_once_then_known_by_its_new_stamp(
    warehouse_url: str, landing: Path
) -> None:
    _stage(warehouse_url, landing, SHOP)
    path = landing / SHOP
    facts = path.stat()
    os.utime(path, ns=(facts.st_atime_ns, facts.st_mtime_ns + 10**9))  # copied again
    (file,) = [f for f in discover(landing).files if f.path.name == SHOP]
    with session_factory(engine_for(warehouse_url)).begin() as session:
        assert needs_loading(session, landing, file, reprocess=False) is False  # same bytes
    assert _stamps(warehouse_url, SHOP) == [file_stamp(file)]  # remembered for next time
    assert _stage(warehouse_url, landing, SHOP).status == "unchanged"


def test_a_rewritten_delivery_is_read_again(warehouse_url: str, landing: Path) -> None:
    _stage(warehouse_url, landing, SHOP)
    path = landing / SHOP
    path.write_bytes(path.read_bytes() + b"\n")  # new size, new bytes
    (file,) = [f for f in discover(landing).files if f.path.name == SHOP]
    with session_factory(engine_for(warehouse_url))() as session:
        assert needs_loading(session, landing, file, reprocess=False) is True
    assert _stage(warehouse_url, landing, SHOP).status == "loaded"


def test_a_folder_delivery_is_stamped_by_every_member(landing: Path) -> None:
    (folder,) = [f for f in discover(landing).files if f.path.name == POS]
    before = file_stamp(folder)
    assert before == file_stamp(folder)
    member = sorted((landing / POS).iterdir())[0]
    facts = member.stat()
    os.utime(member, ns=(facts.st_atime_ns, facts.st_mtime_ns + 10**9))
    assert file_stamp(folder) != before


def test_a_new_delivery_is_hashed_once_for_the_check_and_the_load(
    warehouse_url: str, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`needs_loading` hashes a new delivery; staging it right after uses that hash, while
    a backfill (`reprocess`) hashes it again."""
    hashed: list[str] = []
    real = stage_module.file_facts

    def counting(file: LandingFile) -> FileFacts:
        hashed.append(file.path.name)
        return real(file)

    monkeypatch.setattr(stage_module, "file_facts", counting)
    (file,) = [f for f in discover(landing).files if f.path.name == SHOP]
    with session_factory(engine_for(warehouse_url))() as session:
        assert needs_loading(session, landing, file, reprocess=False)
    assert _stage(warehouse_url, landing, SHOP).status == "loaded"
    assert hashed == [SHOP]
    assert _stage(warehouse_url, landing, SHOP, reprocess=True).status == "loaded"
    assert hashed == [SHOP, SHOP]


def _shop_day(landing: Path, day: int, edit: Callable[[str], str] = lambda text: text) -> str:
    """The shop sample delivered again on 2024-05-`day`, its text passed through `edit`."""
    name = f"shop_customers_2024-05-{day:02d}.csv"
    (landing / name).write_text(edit((SAMPLES / SHOP).read_text(encoding="utf-8")), "utf-8")
    return name


def _outcomes(url: str, landing: Path, name: str) -> list[RowOutcome]:
    (file,) = [f for f in discover(landing).files if f.path.name == name]
    with session_factory(engine_for(url))() as session:
        known = current_versions(session, file.record_kind)
    return [outcome for chunk in parse_rows(file, known=known) for outcome in chunk]


def test_a_snapshots_unchanged_rows_are_known_by_their_text(
    warehouse_url: str, landing: Path
) -> None:
    """A row delivered again is a duplicate without hashing its data; a row quoted
    otherwise is a duplicate by content and its new text is learnt; a changed row loads."""
    first = _stage(warehouse_url, landing, SHOP)
    requoted = _shop_day(landing, 2, lambda text: text.replace(",Jürgen,", ',"Jürgen",'))
    outcomes = _outcomes(warehouse_url, landing, requoted)
    by_text = [o for o in outcomes if o.kind == "duplicate" and o.lineage.digest is None]
    assert len(by_text) == first.counts.loaded - 1  # all but Jürgen's row: by their text
    second = _stage(warehouse_url, landing, requoted)
    assert second.counts.duplicate == first.counts.loaded and second.counts.loaded == 0
    assert all(o.lineage.digest is None for o in _outcomes(warehouse_url, landing, requoted)
               if o.kind == "duplicate"), "Jürgen's new text was not learnt"  # fmt: skip
    moved = _shop_day(landing, 3, lambda text: text.replace("Hauptstraße 5,", "Hauptstraße 7,"))
    third = _stage(warehouse_url, landing, moved)
    assert third.counts.updated == 1 and third.counts.duplicate == first.counts.loaded - 1


def test_records_without_a_text_digest_learn_it_from_the_next_delivery(
    warehouse_url: str, landing: Path
) -> None:
    """A warehouse from before text digests knows its rows by content; one delivery later
    it knows them by text."""
    first = _stage(warehouse_url, landing, SHOP)
    with session_factory(engine_for(warehouse_url)).begin() as session:
        session.execute(update(SourceRecord).values(text_digest=None))
    again = _shop_day(landing, 2)
    assert not any(o.lineage.digest is None for o in _outcomes(warehouse_url, landing, again))
    assert _stage(warehouse_url, landing, again).counts.duplicate == first.counts.loaded
    by_text = [o for o in _outcomes(warehouse_url, landing, again) if o.lineage.digest is None]
    assert len(by_text) == first.counts.loaded


@pytest.mark.parametrize("look_up_below", [0, 1 << 30], ids=["read-all", "look-up"])
def test_a_delivery_knows_its_rows_whether_it_reads_all_versions_or_looks_them_up(
    warehouse_url: str, landing: Path, monkeypatch: pytest.MonkeyPatch, look_up_below: int
) -> None:
    """Both ways of knowing the current versions count the same duplicates and updates:
    by text, by content (a row quoted otherwise), and a changed row loads."""
    monkeypatch.setattr(stage_module, "LOOK_UP_BELOW_BYTES", look_up_below)
    first = _stage(warehouse_url, landing, SHOP)
    day = _shop_day(landing, 2)
    assert {o.kind for o in _known_outcomes(warehouse_url, landing, day)} == {"duplicate"}
    again = _stage(warehouse_url, landing, day)
    assert again.counts.duplicate == first.counts.loaded and again.counts.loaded == 0
    requoted = _shop_day(landing, 3, lambda text: text.replace(",Jürgen,", ',"Jürgen",'))
    second = _stage(warehouse_url, landing, requoted)
    assert second.counts.duplicate == first.counts.loaded and second.counts.loaded == 0
    moved = _shop_day(landing, 4, lambda text: text.replace("Hauptstraße 5,", "Hauptstraße 7,"))
    third = _stage(warehouse_url, landing, moved)
    assert third.counts.updated == 1 and third.counts.duplicate == first.counts.loaded - 1
    pos = _stage(warehouse_url, landing, POS)  # a reader without text digests
    assert pos.counts.loaded > 0
    with session_factory(engine_for(warehouse_url)).begin() as session:
        session.execute(update(IngestedFile).values(sha256="x", stamp=None))
    assert {o.kind for o in _known_outcomes(warehouse_url, landing, POS)} == {"duplicate"}
    assert _stage(warehouse_url, landing, POS).counts.duplicate == pos.counts.loaded


def _known_outcomes(url: str, landing: Path, name: str) -> list[RowOutcome]:
    """A delivery's outcomes before staging, its rows checked against the current
    versions the way staging checks them."""
    (file,) = [f for f in discover(landing).files if f.path.name == name]
    with session_factory(engine_for(url))() as session:
        versions = stage_module._versions(session, delivery_of(landing, file))
        return [outcome for chunk in parse_rows(file, **versions) for outcome in chunk]
