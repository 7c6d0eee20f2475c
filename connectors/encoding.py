"""Decide how a delivery's bytes become text: strict UTF-8 first, then declared or Windows-1252.

Exporters rarely say what they wrote. Almost all write UTF-8; German Excel and old Windows
tools write Windows-1252, and strict UTF-8 practically never accepts such text when it
holds umlauts, so trying UTF-8 first is a reliable test. Whatever decodes must still look
like text: binary files, UTF-16 and mojibake are refused whole, with the reason, because
reading them would fill the warehouse with garbage that no mapper can recognise.

The whole stream is scanned before a reader yields its first row, so a bad byte near the
end cannot leave a delivery half-read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP1252 = "cp1252"

_NAMES = {UTF8: "UTF-8", UTF8_BOM: "UTF-8", CP1252: "Windows-1252", "cp850": "DOS (OEM)"}
_BOM = b"\xef\xbb\xbf"
_BLOCK = 1 << 20
_MAX_LINE = 16 << 20  # a "line" this long is no line-based text file
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook saved under a .csv name?)"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook"),
    (b"\xff\xfe", "UTF-16 text (byte-order mark FF FE)"),
    (b"\xfe\xff", "UTF-16 text (byte-order mark FE FF)"),
)
# Control characters other than tab, LF and CR; C1 controls only arrive via mis-decoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# UTF-8 read as Windows-1252: a lead byte C2/C3 (Â, Ã) or E2 (â) followed by what the
# continuation bytes 80-BF become, e.g. "Ã¼" for ü, "ÃŸ" for ß, "â‚¬" for €.
_TAIL = "".join(bytes([b]).decode(CP1252, "ignore") for b in range(0x80, 0xC0))
_MOJIBAKE_LEADS = "ÂÃâ"
_MOJIBAKE = re.compile(f"[{_MOJIBAKE_LEADS}][{re.escape(_TAIL)}]")


class Undecodable(ValueError):
    """The bytes are no text in any encoding we accept; `reason` says what they look like."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(reason)


@dataclass(frozen=True)
class EncodingChoice:
    """The codec a stream is read with (a Python codec name) and why, when it is no plain UTF-8."""

    encoding: str
    note: str | None = None


Opener = Callable[[], AbstractContextManager[BinaryIO]]


def detect_encoding(open_bytes: Opener, *, declared: str | None = None) -> EncodingChoice:
    """Scan the stream: UTF-8 (a BOM allowed), else `declared`, else Windows-1252.

    `declared` is what the delivery says about itself (DSFinV-K's index.xml). A declared
    UTF-8 that does not decode is a contradiction and refused, not guessed around.
    """
    with open_bytes() as stream:
        head = stream.read(4)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise Undecodable(f"this is {what}, not a text export", 1)
    utf8 = UTF8_BOM if head.startswith(_BOM) else UTF8
    try:
        non_ascii = _scan(open_bytes, utf8, strict_mojibake=False)
    except _WrongCodec as exc:
        not_utf8 = exc
    else:
        if declared in (None, UTF8, UTF8_BOM) or utf8 == UTF8_BOM:
            return EncodingChoice(utf8)
        if not non_ascii:  # plain ASCII reads the same in both: keep what was declared
            return EncodingChoice(declared)
        return EncodingChoice(utf8, f"declared {_name(declared)} but valid UTF-8; read as UTF-8")
    fallback = declared or CP1252
    if fallback in (UTF8, UTF8_BOM):
        raise Undecodable(f"declared UTF-8, but {not_utf8.what}", not_utf8.line)
    try:
        _scan(open_bytes, fallback, strict_mojibake=True)
    except _WrongCodec as exc:
        raise Undecodable(
            f"neither UTF-8 ({not_utf8.what}) nor {_name(fallback)} ({exc.what})", exc.line
        ) from None
    if declared:  # read as the delivery said: nothing to explain
        return EncodingChoice(declared)
    return EncodingChoice(fallback, f"not UTF-8 ({not_utf8.what}); read as {_name(fallback)}")


class _WrongCodec(Exception):
    def __init__(self, what: str, line: int) -> None:
        self.what = what
        self.line = line
        super().__init__(what)


def _name(codec: str) -> str:
    return _NAMES.get(codec, codec)


def _pieces(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Blocks cut after a line break, with the line they start at: LF never occurs inside a
    multi-byte character of any encoding we accept, so every piece decodes on its own."""
    line, carry = 1, b""
    while block := stream.read(_BLOCK):
        data = carry + block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) > _MAX_LINE:
                raise Undecodable("no line break within 16 MiB: not a line-based text file", line)
            carry = data
            continue
        piece, carry = data[:cut], data[cut:]
        yield line, piece
        line += piece.count(b"\n")
    if carry:
        yield line, carry


def _scan(open_bytes: Opener, codec: str, *, strict_mojibake: bool) -> int:
    """Decode everything with `codec`; return how many non-ASCII characters it held.

    Raises `_WrongCodec` when a byte does not decode (try the next codec) and
    `Undecodable` when the text decodes but is binary or mojibake (no codec will help).
    """
    chars = controls = non_ascii = mojibake = 0
    first_control: int | None = None
    first_mojibake: tuple[int, str] | None = None
    with open_bytes() as stream:
        for line, piece in _pieces(stream):
            try:
                text = piece.decode(codec)
            except UnicodeDecodeError as exc:
                at = line + piece.count(b"\n", 0, exc.start)
                raise _WrongCodec(f"byte 0x{piece[exc.start]:02X} at line {at}", at) from None
            chars += len(text)
            if "\x00" in text:
                at = line + text.count("\n", 0, text.index("\x00"))
                raise Undecodable("NUL bytes: binary data or UTF-16, not a text export", at)
            for match in _CONTROL.finditer(text):
                controls += 1
                if first_control is None:
                    first_control = line + text.count("\n", 0, match.start())
            if text.isascii():
                continue
            non_ascii += len(text) - len(text.encode("ascii", "ignore"))  # C speed, not per char
            if not any(lead in text for lead in _MOJIBAKE_LEADS):
                continue  # a search for three letters: the pattern costs 4x that over 13 MB
            for match in _MOJIBAKE.finditer(text):
                mojibake += 1
                if first_mojibake is None:
                    first_mojibake = (line + text.count("\n", 0, match.start()), match.group())
    if controls * 100 > chars:  # a stray Ctrl-Z is text; this many control bytes are not
        raise Undecodable(f"{controls} control bytes: binary data, not text", first_control)
    if first_mojibake is not None:
        at, sample = first_mojibake
        if strict_mojibake:  # valid UTF-8 sequences inside an 8-bit file: two encodings mixed
            raise Undecodable(
                f"mixes encodings: {sample!r} at line {at} is UTF-8 inside {_name(codec)} text",
                at,
            )
        if mojibake >= non_ascii - 2 * mojibake:  # as many garbled as clean letters
            raise Undecodable(
                f"mojibake: {sample!r} at line {at} is UTF-8 that was decoded twice", at
            )
    return non_ascii
