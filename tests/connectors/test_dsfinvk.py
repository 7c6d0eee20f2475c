"""DSFinV-K: receipts with their lines and payments, read as index.xml declares."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.base import RawRow
from connectors.landing import file_facts
from tests.conftest import SAMPLES
from tests.connectors.helpers import POS_FOLDER, delivery, refused, rows_of, write_zip

RECEIPT = "7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a02"
FILES = ("index.xml", "transactions.csv", "lines.csv", "datapayment.csv")


def sample_members() -> dict[str, bytes]:
    return {name: (POS_FOLDER / name).read_bytes() for name in FILES}


def comparable(rows: list[RawRow]) -> list[tuple[object, ...]]:
    return [(r.source, r.line, r.member, r.data) for r in rows]


def test_receipts_carry_lines_payments_and_symbols() -> None:
    anonymous, card, company = rows_of(delivery(POS_FOLDER))
    assert (card.source, card.file, card.line, card.member) == (
        "pos_receipt",
        POS_FOLDER.name,
        3,
        "transactions.csv",
    )
    assert card.data["BON_ID"] == RECEIPT
    assert card.data["KUNDE_ID"] == "K-004711"
    assert [line["GUTSCHEIN_NR"] for line in card.data["_lines"]] == ["", "SOMMER15-7Q2X"]
    assert card.data["_lines"][1]["ARTIKELTEXT"] == "Aktionsrabatt Sommerfest 10 €"
    assert [p["ZAHLART_NAME"] for p in card.data["_payments"]] == ["girocard"]
    assert (card.data["_decimal_symbol"], card.data["_digit_grouping"]) == (",", ".")
    assert anonymous.data["_lines"] == []  # a receipt without lines still comes
    assert company.data["BEDIENER_NAME"] == "Kemal Yıldız"  # UTF-8 only
    assert company.data["UMS_BRUTTO"] == "1.234,56"  # the mapper converts with the symbols


def test_folder_and_zip_give_the_same_rows(tmp_path: Path) -> None:
    zipped = write_zip(tmp_path / f"{POS_FOLDER.name}.zip", sample_members())
    assert comparable(rows_of(zipped)) == comparable(rows_of(delivery(POS_FOLDER)))
    assert file_facts(zipped).encoding == file_facts(delivery(POS_FOLDER)).encoding == "utf-8"


def test_a_zip_with_the_folder_inside_reads_the_same(tmp_path: Path) -> None:
    members = {f"{POS_FOLDER.name}/{name}": data for name, data in sample_members().items()}
    zipped = write_zip(tmp_path / f"{POS_FOLDER.name}.zip", members)
    rows = rows_of(zipped)
    assert [r.data for r in rows] == [r.data for r in rows_of(delivery(POS_FOLDER))]
    assert rows[0].member == f"{POS_FOLDER.name}/transactions.csv"


def declaring(codepage: str, decimal: str, grouping: str, delimiter: str) -> bytes:
    """An index.xml that declares all three tables alike."""
    tables = "".join(
        f"<Table><URL>{name}</URL><Name>{name}</Name><{codepage}/>"
        f"<DecimalSymbol>{decimal}</DecimalSymbol><DigitGroupingSymbol>{grouping}"
        f"</DigitGroupingSymbol><Range><From>2</From></Range><VariableLength>"
        f"<ColumnDelimiter>{delimiter}</ColumnDelimiter><RecordDelimiter>&#13;&#10;"
        f'</RecordDelimiter><TextEncapsulator>"</TextEncapsulator></VariableLength></Table>'
        for name in FILES[1:]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><DataSet><Version>1.0</Version>'
        f"<Media><Name>Z</Name>{tables}</Media></DataSet>"
    ).encode()


def test_declared_delimiter_encoding_and_symbols_are_honoured(tmp_path: Path) -> None:
    """A vendor writing `|`, ANSI and dot decimals, and declaring all of it."""
    tables = {
        name: (POS_FOLDER / name)
        .read_text(encoding="utf-8")
        .replace("Kemal Yıldız", "Kemal Yildiz")  # ı has no Windows-1252 byte
        .replace(";", "|")
        .replace("49,90", "49.90")
        .encode("cp1252")
        for name in FILES[1:]
    }
    file = write_zip(
        tmp_path / "pos_dsfinvk_KASSE-03_2024-05-02_Z0001.zip",
        {"index.xml": declaring("ANSI", ".", ",", "|"), **tables},
    )
    _, card, _ = rows_of(file)
    assert card.data["KUNDE_NAME"] == "Weiß, Jürgen"  # cp1252 decoded
    assert card.data["UMS_BRUTTO"] == "49.90"
    assert (card.data["_decimal_symbol"], card.data["_digit_grouping"]) == (".", ",")
    assert card.data["_lines"][1]["GUTSCHEIN_NR"] == "SOMMER15-7Q2X"
    assert file_facts(file).encoding == "cp1252"


def test_an_undeclared_table_is_read_with_the_gdpdu_defaults(tmp_path: Path) -> None:
    """The sample's trimmed index.xml declares only transactions.csv: lines.csv is read
    with `;` (the default). A `|` there is refused rather than guessed."""
    folder = tmp_path / POS_FOLDER.name
    shutil.copytree(POS_FOLDER, folder)
    lines = (folder / "lines.csv").read_text(encoding="utf-8").replace(";", "|")
    (folder / "lines.csv").write_text(lines, encoding="utf-8")
    assert refused(delivery(folder)).reason.endswith("wrong delimiter?")


def test_no_datapayment_means_no_payments_key(tmp_path: Path) -> None:
    folder = tmp_path / "pos_dsfinvk_KASSE-01_2024-05-01_Z0412"
    shutil.copytree(POS_FOLDER, folder)
    (folder / "datapayment.csv").unlink()
    rows = rows_of(delivery(folder))
    assert all("_payments" not in r.data for r in rows)
    assert len(rows[1].data["_lines"]) == 2


def test_lines_of_a_missing_receipt_are_quarantined_not_dropped(tmp_path: Path) -> None:
    folder = tmp_path / POS_FOLDER.name
    shutil.copytree(POS_FOLDER, folder)
    text = (folder / "transactions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "transactions.csv").write_text("".join(text[:2] + text[3:]), encoding="utf-8")
    rows = rows_of(delivery(folder))
    assert [r.data.get("BON_ID") for r in rows if "_malformed" not in r.data] == [
        "7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a01",
        "7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a03",
    ]
    orphans = [r for r in rows if "_malformed" in r.data]
    assert [(r.member, r.line) for r in orphans] == [
        ("lines.csv", 2),
        ("lines.csv", 3),
        ("datapayment.csv", 3),
    ]
    assert orphans[1].data["_malformed"] == (
        f"lines.csv row of receipt KASSE-01:412:{RECEIPT}, which transactions.csv lacks"
    )
    assert orphans[1].data["GUTSCHEIN_NR"] == "SOMMER15-7Q2X"  # every column kept


def test_a_malformed_line_is_quarantined(tmp_path: Path) -> None:
    folder = tmp_path / POS_FOLDER.name
    shutil.copytree(POS_FOLDER, folder)
    with (folder / "lines.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("KASSE-01;kaputt\r\n")
    broken = [r for r in rows_of(delivery(folder)) if "_malformed" in r.data]
    assert [(r.member, r.line, r.data["_raw_line"]) for r in broken] == [
        ("lines.csv", 4, "KASSE-01;kaputt")
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: (f / "index.xml").unlink(), "no index.xml; a DSFinV-K export has exactly one"),
        (lambda f: (f / "index.xml").write_text("<DataSet>"), "index.xml is not well-formed XML"),
        (lambda f: (f / "lines.csv").unlink(), "the export has no lines.csv"),
        (lambda f: (f / "transactions.csv").unlink(), "the export has no transactions.csv"),
        (
            lambda f: (f / "lines.csv").write_text("Z_KASSE_ID;BON_ID\r\n"),
            "lines.csv: header lacks 'Z_NR', 'POS_ZEILE', 'GUTSCHEIN_NR'",
        ),
        (
            lambda f: (f / "transactions.csv").write_bytes(
                (POS_FOLDER / "transactions.csv").read_bytes().replace(b"\xc3\xbc", b"\xfc")
            ),
            "transactions.csv: declared UTF-8, but byte 0xFC at line 3",
        ),
    ],
)
def test_a_broken_export_is_refused_before_any_row(
    tmp_path: Path, change: Callable[[Path], object], reason: str
) -> None:
    folder = tmp_path / POS_FOLDER.name
    shutil.copytree(POS_FOLDER, folder)
    change(folder)
    error = refused(delivery(folder))
    assert error.reason.startswith(reason)
    assert (error.source, error.path) == ("pos_receipt", folder)


def test_the_kasse_02_sample_is_ansi_with_dot_decimals() -> None:
    file = delivery(SAMPLES / "pos_dsfinvk_KASSE-02_2024-05-01_Z0087.zip")
    anonymous, company = rows_of(file)
    assert anonymous.data["BEDIENER_NAME"] == "Lena Schröder"
    assert company.data["UMS_BRUTTO"] == "2,069.00"
    assert (company.data["_decimal_symbol"], company.data["_digit_grouping"]) == (".", ",")
    assert file_facts(file).encoding == "cp1252"
