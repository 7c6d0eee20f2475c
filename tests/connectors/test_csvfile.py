"""The shared single-file CSV reader: encodings, header check up front, lineage."""

from __future__ import annotations

import hashlib
from pathlib import Path

from connectors.base import KNOWN_ROW
from connectors.landing import file_facts, read_file
from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write

HEADER = "id,object,date,voucher_code,customer_source_id"


def test_a_bom_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    file = write(
        tmp_path / "coupon_redemptions_2024-05-01.csv", f"\ufeff{HEADER}\nr1,redemption,,X,\n"
    )
    (row,) = rows_of(file)
    assert row.data["id"] == "r1"  # not "\ufeffid"
    assert file_facts(file).encoding == "utf-8-sig"


def test_windows_1252_is_read_and_recorded(tmp_path: Path) -> None:
    text = f"{HEADER}\r\nr1,redemption,,X,Jürgen Weiß\r\n"
    file = write(tmp_path / "coupon_redemptions_2024-05-01.csv", text, "cp1252")
    (row,) = rows_of(file)
    assert row.data["customer_source_id"] == "Jürgen Weiß"
    facts = file_facts(file)
    assert facts.encoding == "cp1252"
    assert facts.notes == ("not UTF-8 (byte 0xFC at line 2); read as Windows-1252",)


def test_a_bad_byte_at_the_end_refuses_the_file_before_any_row(tmp_path: Path) -> None:
    rows = "".join(f"r{i},redemption,,X,\n" for i in range(50))
    path = tmp_path / "coupon_redemptions_2024-05-01.csv"
    path.write_bytes(f"{HEADER}\n{rows}".encode() + b"\x00\x00binary tail\n")
    error = refused(delivery(path))
    assert error.reason == "NUL bytes: binary data or UTF-16, not a text export"
    assert error.line == 52


def test_nothing_is_read_until_the_first_next(tmp_path: Path) -> None:
    path = tmp_path / "coupon_redemptions_2024-05-01.csv"
    file = write(path, "wrong,header\n")
    chunks = read_file(file)  # no error yet: the reader is lazy
    path.write_text(f"{HEADER}\nr1,redemption,,X,\n")
    assert [len(c) for c in chunks] == [1]


def test_malformed_rows_are_not_annotated(tmp_path: Path) -> None:
    text = "LEID,Email Address,LAST_CHANGED\n1,a@b.de,\n2\n"
    ok, broken = rows_of(write(tmp_path / "newsletter_cleaned_2024-05-01.csv", text))
    assert ok.data["_status"] == "cleaned"
    assert broken.data == {"_malformed": "1 fields where the header has 3", "_raw_line": "2"}


def test_a_rows_text_digest_stands_for_its_text_under_its_header(tmp_path: Path) -> None:
    """Equal text under an equal header: equal digests (equal rows); the same text under
    another header is another row, and so is a record cut short."""
    body = "r1,redemption,,X,\nr2,redemption,,Y,\nr1,redemption,,X,\n"
    first, second, again = rows_of(
        write(tmp_path / "coupon_redemptions_2024-05-01.csv", f"{HEADER}\n{body}")
    )
    assert first.text_digest and first.text_digest == again.text_digest != second.text_digest
    renamed = HEADER.replace("object,date", "date,object")  # the text means another row
    path = tmp_path / "other" / "coupon_redemptions_2024-05-01.csv"
    path.parent.mkdir()
    other, *_ = rows_of(write(path, f"{renamed}\n{body}"))
    assert other.text_digest != first.text_digest


def test_rows_a_reader_adds_to_have_no_text_digest(tmp_path: Path) -> None:
    """Mailchimp adds the list status from the file name, Shopify orders gather several
    records: their rows are not their text alone."""
    for name in ("newsletter_subscribed_2024-05-01.csv", "shop_orders_2024-05-01.csv"):
        rows = rows_of(delivery(SAMPLES / name))
        assert rows and all(row.text_digest is None for row in rows), name
    rows = rows_of(delivery(SAMPLES / "shop_customers_2024-05-01.csv"))
    assert all(row.text_digest for row in rows if "_malformed" not in row.data)


def test_a_digest_is_blake2b_of_the_reader_delimiter_header_and_text(tmp_path: Path) -> None:
    """Stored digests must keep naming their rows across releases: pinned by hand."""
    (row,) = rows_of(write(tmp_path / "coupon_redemptions_2024-05-01.csv", f"{HEADER}\nr1,a,,X,\n"))
    context = "\x1f".join(["VoucherifyRedemptions", ",", *HEADER.split(",")])
    payload = f"{context}\x1er1,a,,X,".encode()
    assert row.text_digest == hashlib.blake2b(payload, digest_size=16).hexdigest()


def test_rows_known_by_their_digest_come_unsplit_in_their_place(tmp_path: Path) -> None:
    body = "r1,redemption,,X,\nr2,redemption,,Y,\nr3,redemption,,Z,\n"
    file = write(tmp_path / "coupon_redemptions_2024-05-01.csv", f"{HEADER}\n{body}")
    first, second, third = rows_of(file)
    assert second.text_digest is not None
    (chunk,) = read_file(file, known={second.text_digest})
    assert chunk[0] == first and chunk[2] == third  # the same rows, lines included
    assert chunk[1] is KNOWN_ROW


def test_readers_without_digests_yield_every_row_whole(tmp_path: Path) -> None:
    rows = rows_of(delivery(SAMPLES / "shop_orders_2024-05-01.csv"))
    (chunk,) = read_file(delivery(SAMPLES / "shop_orders_2024-05-01.csv"), known={"x"})
    assert chunk == rows and KNOWN_ROW not in chunk
