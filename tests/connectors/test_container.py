"""Delivery containers: plain file, folder and zip; hashing and facts."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from connectors.container import Container
from connectors.landing import file_facts
from schemas.errors import SourceFormatError
from tests.connectors.helpers import POS_FOLDER, delivery, refused, write, write_zip


def test_a_plain_file_hashes_its_bytes(tmp_path: Path) -> None:
    file = write(tmp_path / "hotline_calls_2024-05-01.csv", "1,2\n")
    facts = file_facts(file)
    assert facts.sha256 == hashlib.sha256(b"1,2\n").hexdigest()
    assert (facts.size_bytes, facts.encoding, facts.notes) == (4, "utf-8", ())


def test_a_folder_hash_covers_names_and_bytes_but_not_hidden_files(tmp_path: Path) -> None:
    folder = tmp_path / POS_FOLDER.name
    shutil.copytree(POS_FOLDER, folder)
    file = delivery(folder)
    before = file_facts(file)
    assert before.size_bytes == sum(p.stat().st_size for p in POS_FOLDER.iterdir())

    (folder / ".DS_Store").write_bytes(b"\x00\x01")  # litter: same delivery
    assert file_facts(file).sha256 == before.sha256

    (folder / "lines.csv").rename(folder / "lines_old.csv")  # same bytes, other name
    assert file_facts(delivery(folder)).sha256 != before.sha256


def test_zip_members_leave_out_hidden_and_folders(tmp_path: Path) -> None:
    file = write_zip(
        tmp_path / "newsletter_export_2024-05-02.zip",
        {"b.csv": b"", "a/": b"", "a/c.csv": b"", "__MACOSX/._b.csv": b"", ".hidden": b""},
    )
    with Container(file) as box:
        assert box.members() == ["a/c.csv", "b.csv"]


def test_a_broken_zip_is_refused_whole(tmp_path: Path) -> None:
    file = write(tmp_path / "newsletter_export_2024-05-02.zip", "not a zip")
    with pytest.raises(SourceFormatError) as info:
        file_facts(file)
    assert info.value.reason.startswith("not a readable zip archive")
    assert info.value.source == "newsletter_member"
    assert info.value.path == file.path


def test_a_vanished_delivery_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "shop_customers_2024-05-01.csv", "x")
    file.path.unlink()
    with pytest.raises(SourceFormatError, match="vanished"):
        file_facts(file)


def test_an_undecodable_file_is_refused_by_facts(tmp_path: Path) -> None:
    path = tmp_path / "promo_postcards_2024-05-06.csv"
    path.write_bytes(b"Aktion;Karten-Nr.\r\nA;\x81\x8d\r\n")
    with pytest.raises(SourceFormatError) as info:
        file_facts(delivery(path))
    assert "nor Windows-1252 (byte 0x81 at line 2)" in info.value.reason
    assert info.value.line == 2


def test_members_in_different_codecs_are_listed(tmp_path: Path) -> None:
    file = write_zip(
        tmp_path / "newsletter_export_2024-05-02.zip",
        {
            "subscribed_members_export_1.csv": "LEID\nMüller\n".encode(),
            "cleaned_members_export_1.csv": "LEID\nMüller\n".encode("cp1252"),
        },
    )
    facts = file_facts(file)
    assert facts.encoding == "cp1252+utf-8"  # in member order: cleaned_… sorts first
    assert "cleaned_members_export_1.csv: cp1252" in facts.notes
    assert "subscribed_members_export_1.csv: utf-8" in facts.notes


def test_a_damaged_zip_member_is_refused_not_half_read(tmp_path: Path) -> None:
    path = tmp_path / "newsletter_export_2024-05-02.zip"
    content = b"LEID,Email Address,LAST_CHANGED\n1,a@b.de,\n"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("subscribed_members_export_1.csv", content)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"a@b.de", b"x@b.de"))  # the stored CRC no longer fits
    error = refused(delivery(path))
    assert error.reason.startswith("subscribed_members_export_1.csv: cannot be read: Bad CRC-32")
