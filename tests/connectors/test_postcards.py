"""Typed-in postcards: Windows-1252, `;`, CRLF, as German Excel writes them."""

from __future__ import annotations

from pathlib import Path

from connectors.landing import file_facts
from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write

SAMPLE = SAMPLES / "promo_postcards_2024-05-06.csv"
HEADER = SAMPLE.read_bytes().decode("cp1252").splitlines()[0]


def test_the_sample_is_windows_1252_with_crlf() -> None:
    data = SAMPLE.read_bytes()
    assert b"\r\n" in data and b"K\xf6nigstra\xdfe" in data  # cp1252 bytes, CRLF
    assert file_facts(delivery(SAMPLE)).encoding == "cp1252"


def test_rows_decode_umlauts_and_keep_typing_errors() -> None:
    first, second, third = rows_of(delivery(SAMPLE))
    assert first.source == "postcard"
    assert first.data["Aktion"] == "Sommerfest Königstraße 2024"
    assert first.data["Straße"] == "Hauptstr."  # header decoded too
    assert first.data["E-Mail"] == "j.weiss@web,de"  # as typed; the mapper repairs
    assert second.data["PLZ"] == "1067"  # Excel ate the zero; the mapper knows
    assert (third.line, third.data["Geburtsdatum"]) == (4, "1.12.85")
    assert not any(value.endswith("\r") for value in first.data.values())


def test_a_newer_excel_utf8_export_with_bom_reads_the_same(tmp_path: Path) -> None:
    text = SAMPLE.read_bytes().decode("cp1252")
    file = write(tmp_path / "promo_postcards_2024-05-07.csv", "\ufeff" + text)
    assert [r.data for r in rows_of(file)] == [r.data for r in rows_of(delivery(SAMPLE))]
    assert file_facts(file).encoding == "utf-8-sig"


def test_a_comma_separated_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    text = HEADER.replace(";", ",") + "\r\n"
    error = refused(write(tmp_path / "promo_postcards_2024-05-07.csv", text, "cp1252"))
    assert error.reason.startswith("header lacks 'Aktion', 'Karten-Nr.', 'Vorname', 'Nachname'")
    assert error.reason.endswith("wrong delimiter?")
