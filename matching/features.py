"""Derive the match columns (`catalog.FEATURE_COLUMNS`) from `CustomerRecord` columns.

Every key is computed once per *distinct* value (names repeat across sources), and the
frame comes back sorted by record id with a 0..n-1 index, so a pair of positions i < j is
also a pair of record ids in order.

Emails, phone numbers and identifiers that several people carry are marked here
(`sharing`), so the comparisons can weigh a family mailbox or a generic coupon lightly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata, resources
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching import keys
from matching.catalog import PERSON_NAMESPACES, TUPLE_COLUMNS
from matching.keys import Nicknames
from matching.person_values import one_person_kinds
from matching.settings import digest_code
from matching.sharing import shared_values

INPUT_COLUMNS: tuple[str, ...] = (
    "first_name", "last_name", "name_suffix", "salutation", "company", "birth_date",
    "birth_month_day", "email", "phone", "phone_alt", "street", "house_number",
    "postal_code", "city", "identifiers",
)  # fmt: skip


def _text(series: pd.Series) -> pd.Series:
    """Stripped strings; anything empty or missing becomes None."""
    return _per_value(series, _stripped)


def _stripped(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _per_value(series: pd.Series, func: Callable[[str], Any]) -> pd.Series:
    """`func` applied once per distinct non-missing value; missing stays None."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series([None] * len(series), index=series.index, dtype=object)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [func(value) for value in uniques]
    table[-1] = None
    return pd.Series(table[codes], index=series.index, dtype=object)


def _empty_to_none(value: str) -> str | None:
    return value or None


def _names(out: pd.DataFrame, raw: pd.Series, prefix: str, nicknames: Nicknames) -> None:
    text = _text(raw)
    out[f"{prefix}_din"] = _per_value(text, lambda v: keys.fold_din(v) or None)
    out[f"{prefix}_ascii"] = _per_value(text, lambda v: keys.fold_ascii(v) or None)
    out[f"{prefix}_key"] = _per_value(text, lambda v: keys.name_key(v) or None)
    out[f"{prefix}_phonetic"] = _per_value(text, lambda v: keys.cologne(v) or None)
    if prefix != "first_name":
        return
    initials = _per_value(text, keys.is_initials).map(bool).astype(bool)
    full = out["first_name_key"].mask(initials)
    out["first_name_nick"] = _per_value(full, nicknames.canonical)
    out["first_name_nick_phonetic"] = _per_value(
        out["first_name_nick"], lambda v: keys.cologne(v) or None
    )
    out["first_initial"] = _per_value(out["first_name_key"], lambda v: v[:1])
    out["first_is_initial"] = initials.to_numpy()


def _as_date(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # ISO text from a JSON or SQLite round trip
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def _birth(out: pd.DataFrame, records: pd.DataFrame) -> None:
    dates = [_as_date(v) for v in records["birth_date"].tolist()]
    out["birth_year"] = np.array([d.year if d else -1 for d in dates], dtype=np.int32)
    out["birth_month"] = np.array([d.month if d else -1 for d in dates], dtype=np.int32)
    out["birth_day"] = np.array([d.day if d else -1 for d in dates], dtype=np.int32)
    out["birth_date_key"] = [d.isoformat() if d else None for d in dates]
    given = _text(records["birth_month_day"]).tolist()
    out["birth_month_day"] = [
        f"{d.month:02d}-{d.day:02d}" if d else md if md and len(md) == 5 else None
        for d, md in zip(dates, given, strict=True)
    ]


def _phone_kinds(phone: pd.Series, alt: pd.Series) -> list[str | None]:
    """Which kinds of number a record has: `mobile`, `fixed` or both (see `phone`)."""
    mobile = [_per_value(s, keys.is_mobile).tolist() for s in (phone, alt)]
    kinds = []
    for p, a, mp, ma in zip(phone.tolist(), alt.tolist(), *mobile, strict=True):
        found = {("mobile" if m else "fixed") for v, m in ((p, mp), (a, ma)) if v is not None}
        kinds.append(" ".join(sorted(found)) or None)
    return kinds


def _places(out: pd.DataFrame, city: pd.Series) -> None:
    """`phone_place`: where the record's landline lies (main number, else second);
    `place_key`: the record's city (`city`: stripped text), else that place (see
    `comparisons.place`)."""
    main, alt = (_per_value(out[c], keys.landline_place).tolist() for c in ("phone", "phone_alt"))
    out["phone_place"] = [m or a for m, a in zip(main, alt, strict=True)]
    city_place = _per_value(city, keys.place_key).tolist()
    out["place_key"] = [c or p for c, p in zip(city_place, out["phone_place"], strict=True)]


def _identifiers(series: pd.Series) -> list[tuple[str, ...]]:
    return [
        tuple(dict.fromkeys(str(i) for i in v if i)) if isinstance(v, tuple | list) else ()
        for v in series.tolist()
    ]


# Columns that depend on the other records too (which values several people carry); the
# rest of a record's match columns are its own (`record_features`).
SHARING_COLUMNS: tuple[str, ...] = (
    "email_shared", "phone_shared", "phone_alt_shared", "identifiers_unique",
    "identifiers_common", "person_kinds",
)  # fmt: skip


def build_features(records: pd.DataFrame, nickname_files: tuple[str, ...] = ()) -> pd.DataFrame:
    """The match columns of `records`, sorted by record id (kept in column `record_id`)."""
    own = record_features(records, nickname_files)
    _set_shared(own, _Values.shared_among(own, keys.load_nicknames(nickname_files)))
    return own


class StoredColumns(Protocol):
    """The match columns of an earlier match (`build_features` rows, ascending record ids),
    decoded as needed: `warehouse.feature_store` keeps them as Arrow, `FrameColumns` as a
    frame in memory."""

    @property
    def record_ids(self) -> npt.NDArray[np.int64]: ...

    def rows(self, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
        """The rows at `positions`, index 0..k-1."""
        ...

    def merged(self, kept: npt.NDArray[np.int64], fresh: pd.DataFrame) -> pd.DataFrame:
        """The rows at `kept` (ascending positions) and the `fresh` rows (the same columns)
        in record-id order, index 0..n-1."""
        ...


@dataclass(frozen=True)
class FrameColumns:
    """`StoredColumns` of a frame in memory."""

    frame: pd.DataFrame

    @property
    def record_ids(self) -> npt.NDArray[np.int64]:
        ids: npt.NDArray[np.int64] = self.frame["record_id"].to_numpy()
        return ids

    def rows(self, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
        return self.frame.iloc[positions].reset_index(drop=True)

    def merged(self, kept: npt.NDArray[np.int64], fresh: pd.DataFrame) -> pd.DataFrame:
        if not len(fresh):
            return self.frame.iloc[kept].reset_index(drop=True)
        joined = pd.concat([self.frame.iloc[kept], fresh], ignore_index=True)
        return joined.sort_values("record_id", kind="stable", ignore_index=True)


def refreshed_features(
    stored: StoredColumns | pd.DataFrame,
    records: pd.DataFrame,
    present: pd.Index,
    nickname_files: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, npt.NDArray[np.bool_]]:
    """`build_features` of the `present` record ids from the columns of an earlier match
    (`stored`) and `records` (the new and changed ones, recomputed), and which rows differ
    from the stored ones (what to store again).

    Whether a value is shared depends on its carriers only: the values a recomputed or
    removed record carries, or carried, are judged again among all their carriers; every
    other value keeps its stored status. The same frame as computing everything again.
    """
    nicknames = keys.load_nicknames(nickname_files)
    columns = FrameColumns(stored) if isinstance(stored, pd.DataFrame) else stored
    ids = columns.record_ids
    recomputed = records.index.to_numpy()
    keep = ~np.isin(ids, recomputed) & np.isin(ids, present.to_numpy())
    fresh = record_features(records, nickname_files)
    touched = _Values.carried(columns.rows(np.flatnonzero(~keep))) | _Values.carried(fresh)
    # The fresh rows without sharing columns: False and empty until set below.
    template = columns.rows(np.empty(0, dtype=np.int64))
    unset = {name: _unset(template[name], len(fresh)) for name in SHARING_COLUMNS}
    own = columns.merged(np.flatnonzero(keep), fresh.assign(**unset)[template.columns])
    is_fresh = np.isin(own["record_id"].to_numpy(), recomputed)
    before = _Values.shared_in(own, ~is_fresh)
    rewritten = touched.carriers(own) | is_fresh
    # Rows carrying no value judged again keep their stored sharing columns: only the
    # rewritten ones get them set (a few percent of the rows on a daily run).
    rows = np.flatnonzero(rewritten)
    again = own.iloc[rows].reset_index(drop=True)
    judged = _Values.shared_among(again, nicknames)
    _set_shared(again, (before - touched) | (judged & touched))
    for column in SHARING_COLUMNS:
        values = own[column].to_numpy(copy=True)
        values[rows] = again[column].to_numpy()
        own[column] = values
    return own, rewritten


def _unset(column: pd.Series, n: int) -> npt.NDArray[Any]:
    """`n` placeholders of a stored sharing column's kind (empty tuples, False, 0) until
    `_set_shared` sets them: the joined column keeps the stored dtype."""
    if column.name in TUPLE_COLUMNS:
        empty = np.empty(n, dtype=object)
        empty[:] = [()] * n
        return empty
    return np.zeros(n, dtype=column.to_numpy().dtype)


@dataclass(frozen=True)
class _Values:
    """Emails, phone numbers (either column) and identifiers: sets of values."""

    emails: frozenset[str]
    phones: frozenset[str]
    identifiers: frozenset[str]

    @classmethod
    def carried(cls, frame: pd.DataFrame) -> _Values:
        phones = pd.concat([frame["phone"], frame["phone_alt"]]).dropna()
        return cls(
            frozenset(frame["email"].dropna()),
            frozenset(phones),
            frozenset(chain.from_iterable(frame["identifiers"])),
        )

    @classmethod
    def shared_among(cls, frame: pd.DataFrame, nicknames: Nicknames) -> _Values:
        """The values records of more than one person carry (`sharing.shared_values`),
        judged among the rows of `frame`."""
        return cls(
            frozenset(shared_values(frame, ["email"], nicknames)),
            frozenset(shared_values(frame, ["phone", "phone_alt"], nicknames)),
            frozenset(shared_values(frame, ["identifiers"], nicknames)),
        )

    @classmethod
    def shared_in(cls, frame: pd.DataFrame, rows: npt.NDArray[np.bool_]) -> _Values:
        """The values the `rows` of a frame with `SHARING_COLUMNS` mark as shared."""

        def marked(column: str, flag: str) -> npt.NDArray[np.object_]:
            values: npt.NDArray[np.object_] = frame[column].to_numpy()
            values = values[rows & frame[flag].to_numpy(dtype=bool)]
            return values[pd.notna(values)]

        phones = [marked("phone", "phone_shared"), marked("phone_alt", "phone_alt_shared")]
        common = frame["identifiers_common"].to_numpy()[rows]
        return cls(
            frozenset(marked("email", "email_shared")),
            frozenset(chain.from_iterable(phones)),
            frozenset(chain.from_iterable(common)),
        )

    def carriers(self, frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
        """Rows of `frame` carrying any of the values."""
        mask = frame["email"].isin(self.emails).to_numpy()
        mask |= frame["phone"].isin(self.phones).to_numpy()
        mask |= frame["phone_alt"].isin(self.phones).to_numpy()
        if self.identifiers:
            mask |= np.fromiter(
                (not self.identifiers.isdisjoint(v) for v in frame["identifiers"]),
                dtype=bool,
                count=len(frame),
            )
        return mask

    def __or__(self, other: _Values) -> _Values:
        return _Values(
            self.emails | other.emails,
            self.phones | other.phones,
            self.identifiers | other.identifiers,
        )

    def __and__(self, other: _Values) -> _Values:
        return _Values(
            self.emails & other.emails,
            self.phones & other.phones,
            self.identifiers & other.identifiers,
        )

    def __sub__(self, other: _Values) -> _Values:
        return _Values(
            self.emails - other.emails,
            self.phones - other.phones,
            self.identifiers - other.identifiers,
        )


def feature_fingerprint(nickname_files: tuple[str, ...] = ()) -> str:
    """What `record_features` computes from besides the records: this code, the key
    functions, the nickname lists and the libraries' data (phonenumbers places landlines
    by its own tables). Columns stored under another fingerprint are recomputed."""
    digest = hashlib.sha256()
    digest_code(digest, ("features.py", "keys.py", "catalog.py"))
    digest.update(resources.files("matching").joinpath("data", "nicknames.csv").read_bytes())
    for path in nickname_files:
        digest.update(Path(path).read_bytes())
    for package in ("phonenumbers", "cologne-phonetics"):
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()


def record_features(records: pd.DataFrame, nickname_files: tuple[str, ...] = ()) -> pd.DataFrame:
    """The match columns each record has of its own (all but `SHARING_COLUMNS`), sorted by
    record id with a 0..n-1 index: what a changed record needs recomputed."""
    if not records.index.is_monotonic_increasing:
        records = records.sort_index()
    nicknames = keys.load_nicknames(nickname_files)
    out = pd.DataFrame({"record_id": records.index.to_numpy()})
    # Only the input columns, on positions 0..n-1 (re-indexing the whole frame copied it).
    missing = np.full(len(records), None, dtype=object)
    records = pd.DataFrame(
        {c: records[c].to_numpy() if c in records.columns else missing for c in INPUT_COLUMNS}
    )
    _names(out, records["first_name"], "first_name", nicknames)
    _names(out, records["last_name"], "last_name", nicknames)
    out["name_tokens"] = [
        " ".join(sorted(keys.token_keys(f or "") + keys.token_keys(last or ""))) or None
        for f, last in zip(_text(records["first_name"]), _text(records["last_name"]), strict=True)
    ]
    out["salutation"] = _per_value(_text(records["salutation"]), str.lower)
    out["name_suffix"] = _per_value(_text(records["name_suffix"]), keys.fold_din)
    out["company_key"] = _per_value(_text(records["company"]), lambda v: keys.name_key(v) or None)
    _birth(out, records)
    out["email"] = _per_value(_text(records["email"]), str.lower)
    out["email_local"] = _per_value(out["email"], keys.email_local)
    out["email_local_named"] = _local_part_named(out)
    out["phone"] = _text(records["phone"])
    out["phone_alt"] = _text(records["phone_alt"])
    out["phone_kinds"] = _phone_kinds(out["phone"], out["phone_alt"])
    out["street_key"] = _per_value(_text(records["street"]), lambda v: keys.street_key(v) or None)
    out["house_number_key"] = _per_value(_text(records["house_number"]), keys.house_number_key)
    out["postal_code"] = _per_value(_text(records["postal_code"]), lambda v: "".join(v.split()))
    city = _text(records["city"])
    out["city_key"] = _per_value(city, lambda v: keys.name_key(v) or None)
    _places(out, city)
    out["identifiers"] = _identifiers(records["identifiers"])
    out["identifier_kinds"] = [
        " ".join(sorted({i.split(":", 1)[0] for i in ids} & set(PERSON_NAMESPACES))) or None
        for ids in out["identifiers"]
    ]
    return out


def _local_part_named(out: pd.DataFrame) -> np.ndarray:
    """Whether the mailbox name is spelled from the record's own names (`christina.schmidt`,
    `cschmidt.16`): two namesakes share such a local part at other providers, so its
    agreement adds nothing to the names' agreement."""
    local = _per_value(out["email_local"], lambda v: keys.name_key(v) or None)
    named = np.zeros(len(out), dtype=bool)
    rows = np.flatnonzero(local.notna().to_numpy())
    first = out["first_name_key"].to_numpy()[rows]
    last = out["last_name_key"].to_numpy()[rows]
    named[rows] = [
        mailbox in keys.name_spellings(f or "", surname or "")
        for mailbox, f, surname in zip(local.to_numpy()[rows], first, last, strict=True)
    ]
    return named


def _set_shared(out: pd.DataFrame, shared: _Values) -> None:
    """The `SHARING_COLUMNS`, in place, given which values are shared; a family mailbox
    (`familie.beck@…`) is shared whoever carries it."""
    family = _per_value(out["email_local"], keys.is_family_mailbox).map(bool)
    out["email_shared"] = (out["email"].isin(shared.emails) | family).to_numpy()
    out["phone_shared"] = out["phone"].isin(shared.phones).to_numpy()
    out["phone_alt_shared"] = out["phone_alt"].isin(shared.phones).to_numpy()
    shared_ids = shared.identifiers
    ids = out["identifiers"].tolist()
    # Most records carry no shared identifier: their tuple stays as it is.
    plain = [shared_ids.isdisjoint(v) for v in ids]
    out["identifiers_unique"] = [
        v if ok else tuple(i for i in v if i not in shared_ids)
        for v, ok in zip(ids, plain, strict=True)
    ]
    out["identifiers_common"] = [
        () if ok else tuple(i for i in v if i in shared_ids)
        for v, ok in zip(ids, plain, strict=True)
    ]
    out["person_kinds"] = one_person_kinds(out)
