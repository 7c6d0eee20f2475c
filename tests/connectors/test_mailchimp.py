"""Mailchimp: flat list files and the zip give the same rows, each with `_status`."""

from __future__ import annotations

from pathlib import Path

from connectors.landing import file_facts
from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write_zip

STATUSES = ("cleaned", "subscribed", "unsubscribed")
EXPORT = SAMPLES / "newsletter_export_2024-05-02.zip"


def flat(status: str) -> Path:
    return SAMPLES / f"newsletter_{status}_2024-05-01.csv"


def test_flat_files_carry_their_status() -> None:
    for status in STATUSES:
        rows = rows_of(delivery(flat(status)))
        assert {r.data["_status"] for r in rows} == {status}
        assert {(r.source, r.member) for r in rows} == {("newsletter_member", None)}
    first = rows_of(delivery(flat("subscribed")))[0]
    assert first.line == 2
    assert first.data["TAGS"] == '"Online-Shop","Gewinnspiel"'  # quoted quotes unescaped once


def test_the_zip_gives_the_same_rows_as_the_flat_files() -> None:
    zipped = rows_of(delivery(EXPORT))
    flat_rows = [r for status in STATUSES for r in rows_of(delivery(flat(status)))]
    assert [(r.line, r.data) for r in zipped] == [(r.line, r.data) for r in flat_rows]
    assert [r.member for r in zipped] == [
        "cleaned_members_export_15d17415eb.csv",
        "subscribed_members_export_15d17415eb.csv",
        "subscribed_members_export_15d17415eb.csv",
        "subscribed_members_export_15d17415eb.csv",
        "unsubscribed_members_export_15d17415eb.csv",
    ]
    assert {r.file for r in zipped} == {EXPORT.name}
    assert file_facts(delivery(EXPORT)).encoding == "utf-8"


def test_a_zip_with_a_stranger_inside_is_refused(tmp_path: Path) -> None:
    file = write_zip(
        tmp_path / "newsletter_export_2024-05-03.zip",
        {
            "subscribed_members_export_1.csv": flat("subscribed").read_bytes(),
            "readme.txt": b"hello",
        },
    )
    error = refused(file)
    assert error.reason == "not a Mailchimp member file: readme.txt"


def test_an_empty_zip_is_refused(tmp_path: Path) -> None:
    error = refused(write_zip(tmp_path / "newsletter_export_2024-05-03.zip", {}))
    assert error.reason.startswith("no Mailchimp member files")


def test_a_bad_header_in_the_last_member_refuses_the_zip_before_any_row(tmp_path: Path) -> None:
    file = write_zip(
        tmp_path / "newsletter_export_2024-05-03.zip",
        {
            "cleaned_members_export_1.csv": flat("cleaned").read_bytes(),
            "unsubscribed_members_export_1.csv": b"Email Address,First Name\na@b.de,A\n",
        },
    )
    error = refused(file)
    assert error.reason == "unsubscribed_members_export_1.csv: header lacks 'LEID', 'LAST_CHANGED'"
    assert error.line == 1


def test_german_merge_field_labels_are_accepted(tmp_path: Path) -> None:
    text = "E-Mail-Adresse,Vorname,Nachname,LEID,LAST_CHANGED\nj@web.de,Jürgen,Weiß,1,\n"
    (tmp_path / "newsletter_subscribed_2024-05-03.csv").write_text(text, encoding="utf-8")
    (row,) = rows_of(delivery(tmp_path / "newsletter_subscribed_2024-05-03.csv"))
    assert row.data["Vorname"] == "Jürgen"
