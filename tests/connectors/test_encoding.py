"""Encoding choice: strict UTF-8 first, then the declared codec or Windows-1252."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import pytest

from connectors.encoding import EncodingChoice, Undecodable, detect_encoding


def detect(data: bytes, declared: str | None = None) -> EncodingChoice:
    @contextmanager
    def opener() -> Iterator[BinaryIO]:
        yield io.BytesIO(data)

    return detect_encoding(opener, declared=declared)


def reason(data: bytes, declared: str | None = None) -> Undecodable:
    with pytest.raises(Undecodable) as info:
        detect(data, declared)
    return info.value


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Name\nJ\xc3\xbcrgen\n", "utf-8"),  # ü in UTF-8
        (b"\xef\xbb\xbfName\nJ\xc3\xbcrgen\n", "utf-8-sig"),  # with BOM: the codec strips it
        (b"Name\nJuergen\n", "utf-8"),  # plain ASCII
        (b"", "utf-8"),  # empty
        (b"Name\r\nJ\xfcrgen\r\n", "cp1252"),  # ü in Windows-1252: not UTF-8
        (b"Preis\n10 \x80\n", "cp1252"),  # € is 0x80 in Windows-1252
    ],
)
def test_codec_is_chosen(data: bytes, expected: str) -> None:
    assert detect(data).encoding == expected


def test_windows_1252_fallback_says_why() -> None:
    choice = detect(b"Name\r\nM\xfcller\r\n")
    assert choice == EncodingChoice(
        "cp1252", "not UTF-8 (byte 0xFC at line 2); read as Windows-1252"
    )


def test_declared_codec_is_the_fallback_and_needs_no_note() -> None:
    assert detect(b"Name\n\x81ber\n", declared="cp850") == EncodingChoice("cp850")  # ü in DOS


def test_declared_codec_is_kept_for_plain_ascii() -> None:
    assert detect(b"Name\nMeier\n", declared="cp1252").encoding == "cp1252"


def test_valid_utf8_wins_over_a_declared_8_bit_codec() -> None:
    choice = detect("Name\nGroß\n".encode(), declared="cp1252")
    assert choice.encoding == "utf-8"
    assert choice.note == "declared Windows-1252 but valid UTF-8; read as UTF-8"


def test_declared_utf8_that_does_not_decode_is_refused() -> None:
    error = reason(b"Name\nGro\xdf\n", declared="utf-8")
    assert (error.reason, error.line) == ("declared UTF-8, but byte 0xDF at line 2", 2)


def test_neither_utf8_nor_windows_1252() -> None:
    error = reason(b"a\nb\nc\xfc\n\x81\n")  # 0x81 is undefined in Windows-1252
    assert error.reason == (
        "neither UTF-8 (byte 0xFC at line 3) nor Windows-1252 (byte 0x81 at line 4)"
    )
    assert error.line == 4


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04\x14\x00", "a zip archive"),  # an .xlsx saved under a .csv name
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "an Excel 97-2003 workbook"),
        (b"\xff\xfeN\x00a\x00", "UTF-16"),
    ],
)
def test_known_binary_formats_are_named(data: bytes, says: str) -> None:
    error = reason(data)
    assert says in error.reason and error.line == 1


def test_nul_bytes_are_binary() -> None:
    error = reason(b"id,name\n1,abc\x00def\n")
    assert error.reason == "NUL bytes: binary data or UTF-16, not a text export"
    assert error.line == 2


def test_many_control_bytes_are_binary() -> None:
    assert "control bytes" in reason(bytes(range(1, 9)) * 20).reason


def test_a_stray_control_character_is_still_text() -> None:
    assert detect(b"id,name\n" + b"1,Meier\n" * 200 + b"\x1a").encoding == "utf-8"  # DOS EOF


def test_double_encoded_utf8_is_mojibake() -> None:
    garbled = "Name\nJürgen Weiß\nÄnne\n".encode().decode("cp1252").encode()
    error = reason(garbled)
    assert error.reason == "mojibake: 'Ã¼' at line 2 is UTF-8 that was decoded twice"


def test_one_garbled_word_among_clean_umlauts_is_kept() -> None:
    text = "Name\n" + "Müller\n" * 5 + "MÃ¼ller\n"
    assert detect(text.encode()).encoding == "utf-8"


def test_utf8_inside_windows_1252_text_is_mixed_encodings() -> None:
    data = "Name\nMüller\n".encode("cp1252") + "Weiß\n".encode()
    error = reason(data)
    assert error.reason == "mixes encodings: 'ÃŸ' at line 3 is UTF-8 inside Windows-1252 text"
    assert error.line == 3


def test_a_file_without_line_breaks_is_scanned_in_blocks() -> None:
    data = ("ä" * 700_000).encode()  # 1.4 MB on one line, multi-byte characters across blocks
    assert detect(data).encoding == "utf-8"
