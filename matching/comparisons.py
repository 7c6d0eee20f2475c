"""Multi-level field comparisons, compiled into one recordlinkage `Compare`.

Each method turns the left and right feature columns of many pairs into level codes
(0 = strongest level of `catalog.METHOD_LEVELS`, -1 = missing on either side). Every
method is symmetric: swapping left and right never changes a level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import recordlinkage
from rapidfuzz.distance import DamerauLevenshtein

from matching import keys
from matching.arrays import distinct_sorted
from matching.catalog import COLUMN_METHODS, TUPLE_COLUMNS
from matching.keys import Nicknames
from matching.settings import Comparison
from matching.similarity import (
    Codes,
    Ints,
    Mask,
    Values,
    equal,
    holds,
    jaro_winkler,
    know_codes,
    know_tuples,
    map_values,
    nonempty,
    on_distinct_pairs,
    per_value,
    presence_memo,
    present,
    select,
    shares_any,
    value_codes,
)

Side = dict[str, Values]
Thresholds = tuple[float, ...]
# Not "e": Marlen / Marlene is a typo more often than a couple (Christian / Christiane are
# told apart by their nickname groups instead).
_FEMININE_ENDINGS = ("a", "ie", "ine", "ina")


def is_feminine_variant(a: str, b: str) -> bool:
    """Daniel / Daniela, Alexander / Alexandra, Andreas / Andrea, Paul / Pauline: in German
    households these are a couple, not one person with a typo."""
    short, long = sorted((a, b), key=len)
    if long.startswith(short) and long[len(short) :] in _FEMININE_ENDINGS:
        return True
    if len(a) == len(b) and {a[-2:], b[-2:]} == {"er", "ra"} and a[:-2] == b[:-2]:
        return True
    return long.endswith("as") and long[:-1] == short


def _compound(values: Values) -> Mask:
    """Names of several words; only they can contain the other name (cheap pre-filter)."""
    return per_value(values, lambda v: len(keys.token_keys(v)) > 1)


def _subset(a: str, b: str) -> bool:
    """One name's words are all in the other's (Hans-Peter ⊃ Peter, Müller-Lüdenscheidt)."""
    words_a, words_b = set(keys.token_keys(a)), set(keys.token_keys(b))
    short, long = sorted((words_a, words_b), key=len)
    return bool(short) and short < long


def _has_nickname(values: Values, nicknames: Nicknames) -> Mask:
    return per_value(values, lambda v: v in nicknames.index)


def _swapped(
    left: Side, right: Side, ok: Mask, nicknames: Nicknames, thresholds: Thresholds
) -> Mask:
    """First and last name crossed (`Baumann Manni` / `Manni Baumann` or `Manfred Baumann`);
    nicknames count on either side, since the swapped first name sits in the last slot.
    One crossing may carry a typo (`Schneider Frnak` / `Frank Schneider`: same sound or
    Jaro-Winkler at the high threshold) when neither name agrees in place: a form filled
    in the wrong order is typed as carelessly as any other."""
    fa, la = left["first_name_key"], left["last_name_key"]
    fb, lb = right["first_name_key"], right["last_name_key"]

    def alike(a: Values, b: Values, where: Mask) -> Mask:
        known = where & _has_nickname(a, nicknames) & _has_nickname(b, nicknames)
        return equal(a, b) | holds(a, b, known, nicknames.same_person_name)

    def typo(first: Side, last: Side, where: Mask) -> Mask:
        """`first`'s first name against `last`'s last name, one typo apart."""
        a, b = first["first_name_din"], last["last_name_din"]
        where = where & present(a) & present(b)
        sound = equal(first["first_name_phonetic"], last["last_name_phonetic"])
        jw = jaro_winkler(a, b, where & ~sound)
        return where & (sound | (jw >= thresholds[0]))

    first_crossed = alike(fa, lb, ok)  # left's first name in right's last slot
    last_crossed = alike(la, fb, ok)
    same_first, same_last = equal(fa, fb), equal(la, lb)
    loose = ok & ~(same_first | same_last) & (first_crossed ^ last_crossed)
    return (
        (first_crossed & last_crossed & ~(same_first & same_last))
        | typo(right, left, loose & first_crossed)
        | typo(left, right, loose & last_crossed)
    )


def _crossed(right: Side, swapped: Mask) -> Side:
    """The right side's first-name columns, taken from its last name where swapped."""
    pairs = {
        "first_name_din": "last_name_din",
        "first_name_key": "last_name_key",
        "first_name_phonetic": "last_name_phonetic",
    }
    crossed = dict(right)
    for first, last in pairs.items():
        crossed[first] = np.where(swapped, right[last], right[first])
    crossed["first_initial"] = np.where(
        swapped, map_values(right["last_name_key"], lambda v: v[:1]), right["first_initial"]
    )
    crossed["first_is_initial"] = np.where(swapped, False, right["first_is_initial"])
    return crossed


def _first_levels(
    left: Side, right: Side, ok: Mask, thresholds: Thresholds, nicknames: Nicknames
) -> Codes:
    a, b = left["first_name_din"], right["first_name_din"]
    ka, kb = left["first_name_key"], right["first_name_key"]
    exact = ok & equal(ka, kb)
    rest = ok & ~exact
    ia = left["first_is_initial"].astype(bool)
    ib = right["first_is_initial"].astype(bool)
    full = rest & ~ia & ~ib
    known = full & _has_nickname(ka, nicknames) & _has_nickname(kb, nicknames)
    nickname = holds(ka, kb, known, nicknames.same_person_name)
    part = holds(a, b, full & ~nickname & (_compound(a) | _compound(b)), _subset)
    same_start = equal(left["first_initial"], right["first_initial"])
    # Two listed names of different groups are different names, however alike they look
    # (Christian / Christiane, Johannes / Johanna); so are feminine forms.
    distinct = (known & ~nickname) | holds(
        ka, kb, full & ~nickname & ~part & same_start, is_feminine_variant
    )
    similar = full & ~nickname & ~part & ~distinct
    jw = jaro_winkler(a, b, similar)
    initial = rest & (ia | ib) & same_start
    high, mid = thresholds
    # Sounding alike makes one name only when spelt alike too: Jens / Jonas, Lena / Leon
    # and Katharina / Gudrun share their Kölner Phonetik code.
    sound = equal(left["first_name_phonetic"], right["first_name_phonetic"])
    phonetic = similar & sound & (jw >= high)
    typo = similar & ((jw >= high) | _slipped(a, b, similar & (jw >= mid) & (jw < high)))
    return select([exact, nickname, part, phonetic, typo, initial, similar & (jw >= mid)], ok)


def _slipped(a: Values, b: Values, where: Mask) -> Mask:
    """Where `where` and the names are one keyboard slip apart (a letter wrong, missing,
    extra or two swapped: `Samdra` / `Sandra`, `Wafner` / `Wagner`) after the same first
    letter. Jaro-Winkler puts a slip in a short name below the high threshold, among
    different names (`Jürgen` / `Jörg`, `Karin` / `Katharina`), yet the two call for
    opposite evidence: a household's members share surname and address, so a name that
    is merely alike must not link them, while a slip is the one person mistyped. One
    edit from another name with another initial (`Minh` / `Linh`) is another name:
    typists rarely miss the first letter."""
    return holds(a, b, where, _one_slip)


def _one_slip(a: str, b: str) -> bool:
    return (
        min(len(a), len(b)) >= 3
        and a[:1] == b[:1]
        and DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1
    )


def first_name(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    """Where the names are swapped, the weaker of the two crossed comparisons: one of them
    compares the surnames again (`Manfred Baumann` / `Baumann Manni`: Baumann = Baumann,
    already counted as last_name "swapped"), the other the first names (Manfred ~ Manni,
    "nickname"). Taking the weaker never counts the surname twice and stays symmetric."""
    ok = present(left["first_name_din"]) & present(right["first_name_din"])
    swapped = ok & _swapped(left, right, ok, nicknames, thresholds)
    codes = _first_levels(left, _crossed(right, swapped), ok, thresholds, nicknames)
    where = np.flatnonzero(swapped)
    if where.size:
        sub_left = _crossed({k: v[where] for k, v in left.items()}, np.ones(where.size, bool))
        sub_right = {k: v[where] for k, v in right.items()}
        other = _first_levels(sub_left, sub_right, ok[where], thresholds, nicknames)
        codes[where] = np.maximum(codes[where], other)
    return codes


def last_name(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    a, b = left["last_name_din"], right["last_name_din"]
    ok = present(a) & present(b)
    ka, kb = left["last_name_key"], right["last_name_key"]
    exact = ok & equal(ka, kb)
    swapped = ok & ~exact & _swapped(left, right, ok, nicknames, thresholds)
    rest = ok & ~exact & ~swapped
    phonetic = rest & equal(left["last_name_phonetic"], right["last_name_phonetic"])
    jw = jaro_winkler(a, b, rest & ~phonetic)
    part = holds(a, b, rest & (_compound(a) | _compound(b)), _subset)
    high, mid = thresholds
    typo = rest & ((jw >= high) | _slipped(a, b, rest & ~phonetic & (jw >= mid) & (jw < high)))
    return select([exact, swapped, phonetic, typo, part, rest & (jw >= mid)], ok)


def birth_date(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    ya, ma, da = (left[f"birth_{p}"].astype(np.int64) for p in ("year", "month", "day"))
    yb, mb, db = (right[f"birth_{p}"].astype(np.int64) for p in ("year", "month", "day"))
    ok = present(left["birth_month_day"]) & present(right["birth_month_day"])
    full = ok & (ya >= 0) & (yb >= 0)
    same_year_month = full & (ya == yb) & (ma == mb)
    exact = same_year_month & (da == db)
    month_day = ok & ~full & equal(left["birth_month_day"], right["birth_month_day"])
    transposed = full & ~exact & (ya == yb) & (ma == db) & (da == mb)
    return select([exact, month_day, transposed, same_year_month], ok)


def email(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    ok = present(left["email"]) & present(right["email"])
    same = equal(left["email"], right["email"])
    shared = same & left["email_shared"].astype(bool)
    # A mailbox name spelled from the names is what namesakes pick too: only "different".
    named = left["email_local_named"].astype(bool) | right["email_local_named"].astype(bool)
    local = ok & ~same & ~named & equal(left["email_local"], right["email_local"])
    return select([same & ~shared, shared, local], ok)


def phone(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    """Numbers of different kinds never disagree: a mobile on one side and a landline on the
    other is one person's two phones as often as two people's. Two mobiles (or two
    landlines) that differ do."""
    pa, aa, pb, ab = left["phone"], left["phone_alt"], right["phone"], right["phone_alt"]
    main_shared = left["phone_shared"].astype(bool)
    alt_shared = left["phone_alt_shared"].astype(bool)
    both_main = equal(pa, pb)
    via_main, via_alt = both_main | equal(pa, ab), equal(aa, pb) | equal(aa, ab)
    mobile = both_main & ~main_shared & per_value(pa, keys.is_mobile)
    personal = (via_main & ~main_shared) | (via_alt & ~alt_shared)
    kinds = holds(left["phone_kinds"], right["phone_kinds"], present(left["phone_kinds"])
                  & present(right["phone_kinds"]), _share_a_word)  # fmt: skip
    return select([mobile, personal, via_main | via_alt], kinds | via_main | via_alt)


def address(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    plz_a, plz_b = left["postal_code"], right["postal_code"]
    city_a, city_b = left["city_key"], right["city_key"]
    plz_ok = present(plz_a) & present(plz_b)
    city_ok = present(city_a) & present(city_b)
    same_city = equal(city_a, city_b)
    same_place = equal(plz_a, plz_b) | (~plz_ok & same_city)
    same_street = same_place & equal(left["street_key"], right["street_key"])
    exact = same_street & equal(left["house_number_key"], right["house_number_key"])
    return select([exact, same_street, same_place, same_city], plz_ok | city_ok)


def place(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    """One record's city against the area of the other's landline, where the address
    comparison has nothing to compare (one side has neither postcode nor city): a
    Claudia Zimmermann calling from 06131 is the one living in Mainz more likely than the
    one in Kiel. Two addresses are the address comparison's, a shared number the phone's."""
    city_a, city_b = present(left["city_key"]), present(right["city_key"])
    postcodes = present(left["postal_code"]) & present(right["postal_code"])
    pa, aa, pb, ab = left["phone"], left["phone_alt"], right["phone"], right["phone_alt"]
    one_number = equal(pa, pb) | equal(pa, ab) | equal(aa, pb) | equal(aa, ab)
    open_ = ~(postcodes | (city_a & city_b) | one_number)
    city_phone = open_ & city_a & present(right["phone_place"])
    phone_city = open_ & city_b & present(left["phone_place"])
    same = (city_phone & equal(left["place_key"], right["phone_place"])) | (
        phone_city & equal(left["phone_place"], right["place_key"])
    )
    return select([same], city_phone | phone_city)


def identifiers(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    """Different only where both carry a person identifier of one kind (two loyalty cards);
    an order number against a card number, or two orders, say nothing."""
    ok = nonempty(left["identifiers"]) & nonempty(right["identifiers"])
    unique = shares_any(left["identifiers_unique"], right["identifiers_unique"], ok)
    shared = shares_any(left["identifiers_common"], right["identifiers_common"], ok)
    ka, kb = left["identifier_kinds"], right["identifier_kinds"]
    kinds = holds(ka, kb, ok & present(ka) & present(kb), _share_a_word)
    return select([unique, shared], unique | shared | kinds)


def _share_a_word(a: str, b: str) -> bool:
    return not set(a.split()).isdisjoint(b.split())


class Method(NamedTuple):
    columns: tuple[str, ...]
    compute: Callable[[Side, Side, Thresholds, Nicknames], Codes]


# Both name methods see both names: swapped order is detected across them.
_NAME_COLUMNS = (
    "first_name_din",
    "first_name_key",
    "first_name_phonetic",
    "first_initial",
    "first_is_initial",
    "last_name_din",
    "last_name_key",
    "last_name_phonetic",
)
METHODS: dict[str, Method] = {
    "first_name": Method(_NAME_COLUMNS, first_name),
    "last_name": Method(_NAME_COLUMNS, last_name),
    "birth_date": Method(("birth_year", "birth_month", "birth_day", "birth_month_day"), birth_date),
    "email": Method(("email", "email_local", "email_local_named", "email_shared"), email),
    "phone": Method(
        ("phone", "phone_alt", "phone_shared", "phone_alt_shared", "phone_kinds"), phone
    ),
    "address": Method(("street_key", "house_number_key", "postal_code", "city_key"), address),
    "place": Method(
        ("city_key", "postal_code", "place_key", "phone_place", "phone", "phone_alt"), place
    ),
    "identifiers": Method(
        ("identifiers", "identifiers_unique", "identifiers_common", "identifier_kinds"),
        identifiers,
    ),
}  # fmt: skip


def _exact(column: str) -> Method:
    def compute(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
        a, b = left[column], right[column]
        return select([equal(a, b)], present(a) & present(b))

    return Method((column,), compute)


_SEPARATOR = "\x1f"  # joins a tuple cell's values into one string (never inside a value)


def _joined(values: Values) -> Values:
    """Tuple cells as one string each (None when empty), so distinct cells compare once."""
    joined: Values = np.array(
        [_SEPARATOR.join(sorted(v)) if v else None for v in values.tolist()], dtype=object
    )
    return joined


def _namespace(value: str) -> str:
    head, colon, _ = value.partition(":")
    return head if colon else ""


def _closest_edits(lefts: list[str], rights: list[str]) -> list[float]:
    """Fewest edits between any two values of one namespace (`card:` with `card:`, text
    before the first colon); plain values have one, empty, namespace. 3 means more than 2."""

    def closest(a: str, b: str) -> float:
        return float(
            min(
                (
                    DamerauLevenshtein.distance(x, y, score_cutoff=2)
                    for x in a.split(_SEPARATOR)
                    for y in b.split(_SEPARATOR)
                    if _namespace(x) == _namespace(y)
                ),
                default=3,
            )
        )

    return [closest(a, b) for a, b in zip(lefts, rights, strict=True)]


def _edits(column: str) -> Method:
    """Damerau-Levenshtein levels of one column: a transposed postcode digit (5209 / 5290)
    or a mistyped identifier is one edit, where equality alone would call it different."""

    def compute(left: Side, right: Side, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
        a, b = left[column], right[column]
        if column in TUPLE_COLUMNS:
            a, b = _joined(a), _joined(b)
        ok = present(a) & present(b)
        same = equal(a, b)
        rest = ok & ~same
        edits = on_distinct_pairs(a, b, rest, _closest_edits)  # 0 in a tuple: a shared value
        return select([same | (rest & (edits == 0)), rest & (edits == 1), rest & (edits == 2)], ok)

    return Method((column,), compute)


def method_of(comparison: Comparison) -> Method:
    if comparison.method in COLUMN_METHODS:
        assert comparison.column is not None  # checked when the settings loaded
        build = _exact if comparison.method == "exact" else _edits
        return build(comparison.column)
    return METHODS[comparison.method]


def _run(*series: pd.Series, method: Method, thresholds: Thresholds, nicknames: Nicknames) -> Codes:
    """recordlinkage passes the left columns, then the right ones, as pandas Series, in
    the order of the chunk's pairs; their texts' codes are known (`_CodedChunk`)."""
    width = len(method.columns)
    left = {c: s.to_numpy() for c, s in zip(method.columns, series[:width], strict=True)}
    right = {c: s.to_numpy() for c, s in zip(method.columns, series[width:], strict=True)}
    chunk = _CHUNK.get()
    if chunk is not None:
        chunk.know(left, chunk.left)
        chunk.know(right, chunk.right)
    return method.compute(left, right, thresholds, nicknames)


@dataclass(frozen=True)
class _CodeBook:
    """A frame's text columns as integers of one code space (equal texts, equal codes in
    any column; -1 where missing), per row: its index, ascending feature positions. Its
    tuple columns by how many texts each cell holds and the code of the first (-1: none):
    counted once per record, not once per pair side (5.4M pairs: 2.3 s)."""

    rows: npt.NDArray[np.int64]
    codes: dict[str, Ints]
    texts: Values  # the text of each code
    sizes: dict[str, npt.NDArray[np.int64]]
    firsts: dict[str, Ints]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _CodeBook:
        columns = [
            name
            for name in frame.columns
            if name not in TUPLE_COLUMNS and frame[name].dtype == object
        ]
        tuples = [name for name in frame.columns if name in TUPLE_COLUMNS]
        n, rows = len(frame), frame.index.to_numpy(dtype=np.int64)
        sizes = {
            name: np.fromiter(map(len, frame[name].to_numpy()), dtype=np.int64, count=n)
            for name in tuples
        }
        firsts = [_firsts(frame[name].to_numpy(), sizes[name]) for name in tuples]
        every = [frame[name].to_numpy() for name in columns] + firsts
        if not every:
            return cls(rows, {}, np.empty(0, dtype=object), {}, {})
        factorized, texts = pd.factorize(np.concatenate(every))
        codes: Ints = factorized.astype(np.int32)
        split = [codes[i * n : (i + 1) * n] for i in range(len(every))]
        return cls(
            rows,
            dict(zip(columns, split[: len(columns)], strict=True)),
            np.asarray(texts, dtype=object),
            sizes,
            dict(zip(tuples, split[len(columns) :], strict=True)),
        )

    def rows_of(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        """The rows holding the records at `positions` (feature positions)."""
        at = np.searchsorted(self.rows, positions)
        if len(at) and (at.max() >= len(self.rows) or (self.rows[at] != positions).any()):
            raise ValueError("pairs name records the compared frame does not hold")
        return at


@dataclass(frozen=True)
class _CodedChunk:
    """The code book of the compared frame and the rows of each pair's sides in it."""

    book: _CodeBook
    left: npt.NDArray[np.intp]
    right: npt.NDArray[np.intp]

    def know(self, side: Side, rows: npt.NDArray[np.intp]) -> None:
        """Make the codes of `side`'s text columns known (`know_codes`), and the sizes and
        first texts of its tuple columns (`know_tuples`), aligned to it."""
        for name, values in side.items():
            if len(values) != len(rows):
                continue
            codes = self.book.codes.get(name)
            if codes is not None:
                know_codes(values, codes[rows], self.book.texts)
            elif name in self.book.sizes:
                know_tuples(values, self.book.sizes[name][rows], self.book.firsts[name][rows])


_CHUNK: ContextVar[_CodedChunk | None] = ContextVar("coded_chunk", default=None)


def _firsts(cells: Values, sizes: npt.NDArray[np.int64]) -> Values:
    """Each tuple cell's first text, None where it holds none."""
    firsts = np.full(len(cells), None, dtype=object)
    held = np.flatnonzero(sizes > 0)
    firsts[held] = [cell[0] for cell in cells[held].tolist()]
    return firsts


@contextmanager
def _coded(book: _CodeBook, pairs: npt.NDArray[np.int64]) -> Iterator[None]:
    """While recordlinkage compares `pairs`, their sides' texts compare as codes."""
    token = _CHUNK.set(_CodedChunk(book, book.rows_of(pairs[:, 0]), book.rows_of(pairs[:, 1])))
    try:
        with value_codes():
            yield
    finally:
        _CHUNK.reset(token)


def compile_compare(comparisons: Sequence[Comparison], nicknames: Nicknames) -> Any:
    """One recordlinkage `Compare` whose output columns are the comparisons' level codes."""
    compare = recordlinkage.Compare()
    for comparison in comparisons:
        method = method_of(comparison)
        compare.compare_vectorized(
            _run,
            list(method.columns),
            list(method.columns),
            method=method,
            thresholds=comparison.thresholds,
            nicknames=nicknames,
            label=comparison.name,
        )
    return compare


def compare_pairs(
    features: pd.DataFrame,
    pairs: npt.NDArray[np.int64],
    comparisons: Sequence[Comparison],
    nicknames: Nicknames,
    chunk_size: int = 250_000,
) -> npt.NDArray[np.int8]:
    """Level codes, one row per pair and one column per comparison (chunked for memory)."""
    out = np.empty((len(pairs), len(comparisons)), dtype=np.int8)
    if len(pairs) == 0:
        return out
    compare = compile_compare(comparisons, nicknames)
    compared = sorted({c for comparison in comparisons for c in method_of(comparison).columns})
    # recordlinkage takes every column of each pair's rows: only the compared ones, and only
    # the rows of the pairs when they are a few (an incremental match's 5,000 pairs among
    # 359k records: copying every record's columns was most of their time). Their codes
    # once for all chunks: coding each chunk's rows factorized most records again and
    # again (a full match's 21 chunks of 250,000 pairs reach 12-43% of the records each).
    rows = distinct_sorted(pairs)
    if len(rows) * 2 < len(features):
        # Column by column: taking every column's rows first copied the nine that are not
        # compared too, and iloc[rows, cols] was slower still.
        frame = pd.DataFrame(
            {name: features[name].to_numpy().take(rows) for name in compared},
            index=pd.Index(rows),
            copy=False,
        )
    else:
        frame = features[compared]
    book = _CodeBook.of(frame)
    del rows
    for start in range(0, len(pairs), chunk_size):
        chunk = pairs[start : start + chunk_size]
        index = pd.MultiIndex.from_arrays([chunk[:, 0], chunk[:, 1]])
        with presence_memo(), _coded(book, chunk):
            result = compare.compute(index, frame)
        out[start : start + len(chunk)] = result[[c.name for c in comparisons]].to_numpy()
    return out
