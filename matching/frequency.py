"""Term-frequency adjustment: a common value agreeing counts less than a rare one.

A level's u is an average over all values: two random records share *some* surname with
probability Σ f_v². For the value a pair actually shares, the chance that two random
records agree on it is its own frequency f_v, so the pair's weight at a frequency-adjusted
level is log2(m / f_v) instead of log2(m / u): `Müller` agreeing is worth little, `Wójcik`
a lot. f_v is learnt from the frame being matched, never from a fixed list, and floored
at `ScoringSettings.tf_min_u`; a frame of fewer than `min_records_for_tf` records keeps
the levels' own u (in five records every name looks common).

People are counted, not records: a customer with a shop account, five orders and three
calls would make their own rare name look common. Records tied by a personal email,
phone or identifier count once (`identity_labels`), which undercounts nobody else.

Namesakes: where both names agree exactly (in either order), the product f_first · f_last
is a poor guess of how many people share the *full* name (a Spanish first name comes with
a Spanish surname), and the frame itself can count them: same-name records tied by a personal
value are one identity (an address is a household's, not one person's), identities that
both hold a one-person value of one kind (two addresses, two personal emails) are two
people, and with k people under a name
the chance that a same-name record is somebody else is about (k - 1 + α) / identities
(`namesake_shares`; α = `ScoringSettings.tf_unseen_namesakes`, people with that name the
frame cannot tell apart). So one person's name links on its own, `José García` at four
addresses hardly counts, and the posterior of a name-only pair comes out near 1/k
whatever the frame's size. The joint u is booked on the last name's weight (its
frequency given the first). Under one full name, a household's mailbox or phone counts
more: another person there would be a member of the household with an alike first name,
as rare as two of the frame's people with alike first names (`alike_first_name_share`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import poisson

from matching.arrays import distinct_sorted
from matching.catalog import TF_COLUMNS
from matching.clustering import components
from matching.person_values import KIND_BITS
from matching.scoring import ModelParameters
from matching.settings import Comparison, MatchSettings
from matching.values import value_positions

Pairs = npt.NDArray[np.int64]
Labels = npt.NDArray[np.int64]


def identity_labels(features: pd.DataFrame) -> Labels:
    """Per record, a label shared by records tied by a personal email, phone or identifier
    (not by an address: that would fold a household into one)."""
    return _tied(features, _identity_values(features), keys=None)


def value_frequencies(values: pd.Series, identities: Labels) -> npt.NDArray[np.float64]:
    """Per record: the share of identities carrying its value among the identities carrying
    any value of the column; NaN where the record has none."""
    present = values.notna().to_numpy()
    # The values hashed once into codes; each (value, identity) once as one int64.
    codes, uniques = pd.factorize(values.to_numpy()[present])
    who = identities[present].astype(np.int64)
    pair = codes.astype(np.int64) * (int(who.max(initial=0)) + 1) + who
    first = ~pd.Series(pair).duplicated().to_numpy()
    carriers = np.bincount(codes[first], minlength=len(uniques))
    out = np.full(len(values), np.nan, dtype=np.float64)
    out[present] = (carriers / max(len(pd.unique(who)), 1))[codes]
    return out


def adjust_weights(
    weights: npt.NDArray[np.float32],
    codes: npt.NDArray[np.int8],
    pairs: Pairs,
    features: pd.DataFrame,
    settings: MatchSettings,
    parameters: ModelParameters,
    memo: dict[str, npt.NDArray[Any]] | None = None,
) -> npt.NDArray[np.float32]:
    """`weights` with each frequency-adjusted level's weight replaced by log2(m / f_v).

    f_v is the larger of the two sides' frequencies (equal for exact agreement; for the
    swapped-name and postcode/city levels it keeps the adjustment symmetric and cautious).
    Pass one `memo` dict to calls on the same `features` to count the frequencies once.
    """
    if len(pairs) == 0 or len(features) < settings.scoring.min_records_for_tf:
        return weights
    adjusted = weights.copy()
    floor = settings.scoring.tf_min_u
    cache: dict[str, npt.NDArray[Any]] = {} if memo is None else memo
    if "identities" not in cache:
        cache["identities"] = identity_labels(features)
    identities = cache["identities"]
    for column, comparison in enumerate(settings.comparisons):
        params = parameters.comparisons[column]
        for level in comparison.term_frequency:
            feature = TF_COLUMNS[comparison.method][level]
            if feature not in cache:
                cache[feature] = value_frequencies(features[feature], identities)
            code = comparison.code(level)
            where = np.flatnonzero(codes[:, column] == code)
            if where.size == 0:
                continue
            frequency = _pair_frequency(cache[feature], pairs[where])
            known = ~np.isnan(frequency)
            u = np.maximum(frequency[known], floor)
            adjusted[where[known], column] = np.log2(params.m[code] / u).astype(np.float32)
    _namesakes(adjusted, codes, pairs, features, settings, parameters, cache, identities)
    if "alike_first_names" not in cache:
        cache["alike_first_names"] = np.array(alike_first_name_share(features, identities))
    alike = float(cache["alike_first_names"])
    _same_name_household(adjusted, codes, settings, parameters, alike)
    return adjusted


# Name levels under which two records name the same member of a household: the names
# agree, up to a nickname or a typo. A part (Hans / Hans-Peter) or an initial could be
# another member (a father and his son), a distant spelling or "different" is one.
_ALIKE_FIRST = ("exact", "nickname", "phonetic", "jw_high")
_ALIKE_LAST = ("exact", "swapped", "phonetic", "jw_high")


def _same_name_household(
    adjusted: npt.NDArray[np.float32],
    codes: npt.NDArray[np.int8],
    settings: MatchSettings,
    parameters: ModelParameters,
    alike: float,
) -> None:
    """A household's mailbox or phone where the names agree weighs by its level's u times
    `alike` (`alike_first_name_share`): the level's u counts any member of the household,
    but another person here would be a member of the same name (a father and son, whom a
    birth date or jun./sen. tells apart), and a household's other member has an alike first
    name about as often as two people of the frame have. The names agree when the first
    names do (up to a nickname or a typo) and the last names do too or one side has none:
    the household's value already names the family, its first name tells the members
    apart (`Horst` with `familie.weber@…` is the mailbox's Horst Weber, `Andy Jäger` its
    Andreas Jäger). Without a first name on both sides it keeps its small weight, so a
    nameless family subscription stays nobody's. `tf_same_name_household_u` pins the u."""
    first, last = _exact_name(settings, "first_name"), _exact_name(settings, "last_name")
    if first is None or last is None:
        return
    named = _alike(codes[:, first], settings.comparisons[first], _ALIKE_FIRST) & (
        (codes[:, last] < 0) | _alike(codes[:, last], settings.comparisons[last], _ALIKE_LAST)
    )
    for column, comparison in enumerate(settings.comparisons):
        if comparison.method not in ("email", "phone"):
            continue
        code = comparison.code("shared")
        where = np.flatnonzero(named & (codes[:, column] == code))
        params = parameters.comparisons[column]
        pinned = settings.scoring.tf_same_name_household_u
        u = pinned if pinned is not None else max(params.u[code] * alike, settings.scoring.tf_min_u)
        weight = np.log2(params.m[code] / u)
        adjusted[where, column] = np.maximum(adjusted[where, column], weight)


def alike_first_name_share(features: pd.DataFrame, identities: Labels) -> float:
    """The chance that two people of the frame have alike first names: Σ f² over the
    identities' first names, keyed as the comparisons call them alike (nickname-folded
    and phonetic: `Andy` = `Andreas`, `Meier` ~ `Maier`); initials are no name.

    A household's members are people of the frame: that another member of the household
    behind a mailbox or landline has the first name of the one named is about as likely as
    for any two of them (a junior named after his father adds a little; the demo sets'
    households: 0.5-1.5% against 1.4-1.5% of Σ f²). Counted from the frame, since a frame
    of Turkish or Polish customers has other names than a German one, and by identities,
    so one customer's fifty receipts do not make their name common. Records of one
    identity under two keys (a typo) count half each. No pair of carriers can teach it:
    the frame cannot tell whether two alike-named carriers of a mailbox are two people
    (the very question), and carriers told apart by two personal emails are mostly one
    person with two addresses. Without any first name: 1 (no household value counts more).
    """
    keys = features["first_name_nick_phonetic"]
    named = (keys.notna() & ~features["first_is_initial"].astype(bool)).to_numpy()
    if not named.any():
        return 1.0
    pairs = pd.DataFrame({"who": identities[named], "key": keys.to_numpy()[named]})
    pairs = pairs.drop_duplicates()
    weight = 1.0 / pairs.groupby("who")["key"].transform("size").to_numpy(dtype=np.float64)
    shares = pd.Series(weight).groupby(pairs["key"].to_numpy()).sum() / weight.sum()
    return float((shares.to_numpy() ** 2).sum())


def _alike(
    codes: npt.NDArray[np.int8], comparison: Comparison, levels: tuple[str, ...]
) -> npt.NDArray[np.bool_]:
    """Whether each code is one of the comparison's `levels` (those it has)."""
    wanted = [comparison.code(level) for level in levels if level in comparison.level_names]
    return np.isin(codes, wanted)


def _exact_name(settings: MatchSettings, method: str) -> int | None:
    """Column of the frequency-adjusted name comparison of `method`, if any."""
    for column, comparison in enumerate(settings.comparisons):
        if comparison.method == method and "exact" in comparison.term_frequency:
            return column
    return None


def _namesakes(
    adjusted: npt.NDArray[np.float32],
    codes: npt.NDArray[np.int8],
    pairs: Pairs,
    features: pd.DataFrame,
    settings: MatchSettings,
    parameters: ModelParameters,
    cache: dict[str, npt.NDArray[Any]],
    identities: Labels,
) -> None:
    """u of full-name agreement from the namesakes' count (see the module docstring).

    A full name written in swapped order (`Schmidt Lea` / `Lea Schmidt`, last name
    "swapped") is the same full name: the order is how a form was filled in, as likely
    for a namesake as for the person, so it weighs as the namesakes say, not by the
    swapped level's fixed u (which took every such name for one person's)."""
    first, last = _exact_name(settings, "first_name"), _exact_name(settings, "last_name")
    if first is None or last is None:
        return
    exact_first = settings.comparisons[first].code("exact")
    exact_last = settings.comparisons[last].code("exact")
    full_name = _alike(codes[:, last], settings.comparisons[last], ("exact", "swapped"))
    where = np.flatnonzero((codes[:, first] == exact_first) & full_name)
    if where.size == 0:
        return
    floor = settings.scoring.tf_min_u
    f_first = np.maximum(_pair_frequency(cache["first_name_key"], pairs[where]), floor)
    _count_namesakes(features, identities, settings, cache, distinct_sorted(pairs[where]))
    joint = _pair_frequency(cache["namesake_shares"], pairs[where])
    m_last = parameters.comparisons[last].m[exact_last]
    known = ~np.isnan(joint)
    weight = np.log2(m_last * f_first[known] / joint[known])
    adjusted[where[known], last] = weight.astype(np.float32)


def _count_namesakes(
    features: pd.DataFrame,
    identities: Labels,
    settings: MatchSettings,
    cache: dict[str, npt.NDArray[Any]],
    positions: npt.NDArray[np.int64],
) -> None:
    """`cache["namesake_shares"]` filled for the names of the records at `positions`: an
    incremental match scores pairs of a few thousand names, and counting the namesakes of
    all of them (each name's count reads only its own records) costs seconds."""
    if "namesake_shares" not in cache:
        cache["full_names"] = full_name_codes(features)
        cache["namesake_shares"] = np.full(len(features), np.nan, dtype=np.float64)
        cache["namesakes_counted"] = np.zeros(len(features), dtype=bool)
        named = cache["full_names"] >= 0
        cache["told_apart"] = np.array(told_apart_share(features, identities, named))
    counted = cache["namesakes_counted"]
    wanted = np.zeros(len(features), dtype=bool)
    wanted[positions[~counted[positions]]] = True
    if not wanted.any():
        return
    shares = namesake_shares(
        features,
        identities,
        settings.scoring.tf_unseen_namesakes,
        expected=True,
        wanted=wanted,
        # Both names' exact levels are frequency-adjusted here: counted by `adjust_weights`.
        frequencies=(cache["first_name_key"], cache["last_name_key"]),
        full=cache["full_names"],
        told_apart=float(cache["told_apart"]),
    )
    found = ~np.isnan(shares)
    cache["namesake_shares"][found] = shares[found]
    counted |= wanted | found  # every bearer of a counted name has its share now


_IDENTITY_COLUMNS = (
    "email", "email_shared", "phone", "phone_shared", "phone_alt", "phone_alt_shared",
    "identifiers_unique", "street_key", "house_number_key", "postal_code",
)  # fmt: skip


Values = tuple[npt.NDArray[np.int64], npt.NDArray[Any]]  # positions and the values there


def _identity_values(features: pd.DataFrame) -> list[Values]:
    """Per column, the positions (0..n-1) and values naming one person there: personal
    email and phones and one-person identifiers (an address is a household's: it ties
    nobody). Flattened from arrays: it runs over every record on every match."""
    found: list[Values] = []
    for column, shared in (("email", "email_shared"), ("phone", "phone_shared"),
                           ("phone_alt", "phone_alt_shared")):  # fmt: skip
        cells = features[column].to_numpy()
        keep = np.flatnonzero(pd.notna(cells) & ~features[shared].to_numpy(dtype=bool))
        found.append((keep, cells[keep]))
    identifiers = value_positions(features, ["identifiers_unique"], distinct=False)
    found.append((identifiers["pos"].to_numpy(), identifiers["value"].to_numpy()))
    return found


def _tied(features: pd.DataFrame, values: list[Values], keys: pd.Series | None) -> Labels:
    """Component labels of records sharing a value (and the same `keys` value, if given)."""
    n = len(features)
    # Values and keys as integer codes: grouping on one int64 beats two object columns.
    key_codes = pd.factorize(keys.to_numpy())[0] if keys is not None else np.zeros(n, np.int64)
    key_count = int(key_codes.max()) + 1 if n else 1
    edges = []
    for positions, cells in values:
        value_codes = pd.factorize(cells)[0]
        keyed = key_codes[positions]
        present = (value_codes >= 0) & (keyed >= 0)
        group = value_codes[present].astype(np.int64) * key_count + keyed[present]
        members = positions[present]
        first = pd.Series(members).groupby(group).transform("min").to_numpy()
        edges.append(np.column_stack([first, members]))
    links = np.concatenate(edges) if edges else np.empty((0, 2), dtype=np.int64)
    return components(n, links[links[:, 0] != links[:, 1]])


def namesake_shares(
    features: pd.DataFrame,
    identities: Labels,
    unseen: float,
    *,
    expected: bool = False,
    wanted: npt.NDArray[np.bool_] | None = None,
    frequencies: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
    full: npt.NDArray[np.int64] | None = None,
    told_apart: float | None = None,
) -> npt.NDArray[np.float64]:
    """Per record: (k - 1 + `unseen`) / named identities, k the people carrying its full
    name (NaN without both names).

    Within a full name, records tied by an identity or a personal value are one
    identity, and k counts the people those identities must be (`_people_per_name`): a
    receipt carrying only a card and a name beside a shop customer with an email and an
    address is no evidence of a second person (it conflicts with nothing), and counting it
    would make every such record doubt its own name; two addresses are two people, one
    address ties nobody (a father and a son of one name share it).

    `expected`: the unseen namesakes are at least as many as the names' frequencies
    predict (identities · f_first · f_last bearers, a Poisson count given the ones seen,
    `_expected_bearers`): sparse records of two `Claudia Werner`s look like one identity
    each, while the name's commonness says that two of them among 5,000 people are
    likely; a `Magdalena Hölzl` keeps `unseen`. Only the predicted bearers the frame could
    not have told apart are unseen, though: a second bearer who holds a one-person value
    of a kind the first holds too (another email, another address) or a birth date would
    be counted in k already. Of the bearers the prediction adds beyond the seen, the
    share `1 - told_apart` is expected to hide (thinning a Poisson count keeps it
    Poisson), `told_apart` being the chance that two of the frame's named identities
    conflict (`told_apart_share`, learnt from the frame).
    `frequencies`: the first and last names' `value_frequencies`, `full` the
    `full_name_codes` and `told_apart` the `told_apart_share`, if already computed.

    `wanted` (a mask): only the records sharing a full name with a wanted record get their
    share, the others NaN; a name's count reads only its own records, so the shares are
    those of the whole frame.
    """
    if not features.index.equals(pd.RangeIndex(len(features))):
        features = features.reset_index(drop=True)  # positions, as `build_features` gives
    full = full_name_codes(features) if full is None else full
    named = full >= 0
    out = np.full(len(features), np.nan, dtype=np.float64)
    total = max(len(pd.unique(identities[named])), 1)
    if wanted is not None:
        named &= pd.Index(full).isin(full[wanted & named])  # hashed: the codes span n²
    if not named.any():
        return out
    # Each name's count reads only its own records: count on those (0..m-1 positions).
    rows = np.flatnonzero(named)
    identity_columns = pd.Index([*_IDENTITY_COLUMNS, "person_kinds", "birth_date_key"])
    columns = features.columns.get_indexer(identity_columns)
    subset = features.iloc[rows, columns].reset_index(drop=True)
    names = pd.Series(full[rows])
    values = _identity_values(subset)
    tied_by_identity = (np.arange(len(rows), dtype=np.int64), identities[rows])
    labels = _tied(subset, [*values, tied_by_identity], keys=names)
    k = _people_per_name(subset, names, labels)
    seen = names.map((k - 1).clip(lower=0)).fillna(0).to_numpy(dtype=np.float64)
    if expected:  # the names' frequencies predict more namesakes than the frame shows
        if frequencies is None:
            frequencies = (
                value_frequencies(features["first_name_key"], identities),
                value_frequencies(features["last_name_key"], identities),
            )
        if told_apart is None:
            told_apart = told_apart_share(features, identities, full >= 0)
        f_first, f_last = frequencies[0][rows], frequencies[1][rows]
        bearers = _expected_bearers(np.nan_to_num(total * f_first * f_last), seen + 1)
        unseen_named = np.fmax(unseen, (1 - told_apart) * (bearers - seen - 1))
    else:
        unseen_named = np.full(len(rows), unseen)
    out[rows] = (seen + unseen_named) / total
    return out


def told_apart_share(
    features: pd.DataFrame, identities: Labels, named: npt.NDArray[np.bool_]
) -> float:
    """The chance that two random named identities (`identities` among the `named` rows)
    conflict as `_people_per_name` counts conflicts: both hold a one-person value of one
    kind (`person_kinds`) or both a birth date. Two bearers of one name who conflict are
    counted as two people; only the others can hide behind one identity. Counted over
    the identities' distinct (kinds, dated) states, so it costs one small square."""
    codes, distinct = pd.factorize(identities[named])
    if len(distinct) < 2:
        return 0.0
    # Per identity: the union of its records' kind bits, and whether any has a birth date.
    kinds = np.zeros(len(distinct), dtype=np.int64)
    np.bitwise_or.at(kinds, codes, features["person_kinds"].to_numpy(dtype=np.int64)[named])
    dated = np.bincount(codes, weights=features["birth_date_key"].notna().to_numpy()[named]) > 0
    states, counts = np.unique(kinds * 2 + dated, return_counts=True)
    kinds, dated, counts = states // 2, (states % 2).astype(bool), counts.astype(np.float64)
    conflict = ((kinds[:, None] & kinds[None, :]) != 0) | (dated[:, None] & dated[None, :])
    pairs = np.outer(counts, counts) - np.diag(counts)  # ordered pairs of two identities
    return float((pairs * conflict).sum() / pairs.sum())


def full_name_codes(features: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Per record, its two name keys as one full name in either order (`Schmidt Lea` from
    a form filled in the wrong order is a bearer of `Lea Schmidt`), an integer; -1
    without both names. Integers, not the joined texts: hashing and comparing them costs
    a fraction (an incremental match counts the namesakes of a hundred thousand records)."""
    first, last = features["first_name_key"].to_numpy(), features["last_name_key"].to_numpy()
    codes, uniques = pd.factorize(np.concatenate([first, last]))
    first_code, last_code = codes[: len(first)].astype(np.int64), codes[len(first) :]
    named = (first_code >= 0) & (last_code >= 0)
    swap = np.zeros(len(features), dtype=bool)
    swap[named] = first[named] > last[named]
    low = np.where(swap, last_code, first_code)
    high = np.where(swap, first_code, last_code)
    return np.where(named, low * max(len(uniques), 1) + high, -1)


def _expected_bearers(
    expected: npt.NDArray[np.float64], seen: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """How many people carry a name, given that `seen` of them are in the frame, when the
    names' frequencies predict `expected` (a Poisson count N): E[N | N >= seen]. The
    prediction counts the bearers seen too, and one of them is the record's own person:
    a name expected 0.5 times that the frame shows once has about 0.3 other bearers, not
    0.5 (the other half of the prediction is that nobody carries it)."""
    at_least_seen = poisson.sf(seen - 1, expected)  # P(N >= seen)
    with np.errstate(divide="ignore", invalid="ignore"):
        bearers = expected * poisson.sf(seen - 2, expected) / at_least_seen
    return np.where(at_least_seen > 0, bearers, seen)  # far beyond the prediction: the seen


def _pair_frequency(frequency: npt.NDArray[np.float64], pairs: Pairs) -> npt.NDArray[np.float64]:
    left, right = frequency[pairs[:, 0]], frequency[pairs[:, 1]]
    return np.fmax(left, right)  # fmax: a value missing on one side takes the other's


def _people_per_name(features: pd.DataFrame, full: pd.Series, labels: Labels) -> pd.Series:
    """Per full name (`full`: per row its `full_name_codes`), the fewest people its
    identities can be (`labels`: records tied under the name). Two identities that both
    carry a one-person value of one kind hold different values (else they would be
    tied): two personal emails, two addresses, two loyalty
    cards are two people, as are two birth dates. An identity without such a value (a
    receipt with a name and a card, beside a shop customer with an email) could be any
    of them and adds nobody. Counted by greedy colouring of that conflict graph, richest
    identities first, for the names with two such identities or more.

    Vectorised up to the colouring: each identity's kinds, birth dates and addresses are
    bit sets (a date's or address's bit is its rank among its name's values)."""
    kinds = features["person_kinds"].to_numpy(dtype=np.int64)
    born = features["birth_date_key"].to_numpy()
    keep = ((kinds != 0) | pd.notna(born)) & (full.to_numpy() >= 0)  # the rest: nobody
    rows = np.flatnonzero(keep)
    if len(rows) == 0:
        return pd.Series(dtype="int64")
    names, uniques = pd.factorize(full.to_numpy()[rows])
    identity = labels[rows].astype(np.int64)
    # (name, identity) groups in order of first appearance, as the colouring takes them
    group, _ = pd.factorize(names.astype(np.int64) * (int(identity.max()) + 1) + identity)
    group_name = np.zeros(int(group.max()) + 1, dtype=np.int64)
    group_name[group] = names
    per_name = np.bincount(group_name, minlength=len(uniques))
    counts = np.ones(len(uniques), dtype=np.int64)
    several = per_name[group_name] >= 2
    if several.any():
        wanted = several[group]
        rows, names, group = rows[wanted], names[wanted], group[wanted]
        held = np.zeros(len(group_name), dtype=np.int64)
        np.bitwise_or.at(held, group, kinds[rows])
        held &= ~KIND_BITS["address"]  # an address conflicts only with another address
        dates = _value_bits(names, group, len(group_name), born[rows])
        address = features[["street_key", "house_number_key", "postal_code"]].iloc[rows]
        homes = _value_bits(names, group, len(group_name), _addresses(address))
        bit_count = np.zeros(len(held), dtype=np.int64)
        for bit in KIND_BITS.values():
            bit_count += (held & bit) > 0
        order = np.flatnonzero(several)
        order = order[np.lexsort((order, -bit_count[order], group_name[order]))]
        starts = np.flatnonzero(np.diff(group_name[order], prepend=-1))
        held_list = held.tolist()
        for name, members in zip(
            group_name[order[starts]].tolist(), np.split(order, starts[1:]), strict=True
        ):
            counts[name] = _colours([(held_list[g], dates[g], homes[g]) for g in members.tolist()])
    return pd.Series(counts, index=uniques, dtype="int64")


def _value_bits(
    names: npt.NDArray[np.int64], group: npt.NDArray[np.int64], groups: int, values: Any
) -> list[int]:
    """Per group, the set of its rows' `values` (None: no value) as a bit set: a value's
    bit is its rank among the values its name's rows hold, so a name's sets stay small."""
    values = np.asarray(values, dtype=object)
    present = pd.notna(values)
    codes = pd.factorize(values[present])[0].astype(np.int64)
    width = int(codes.max(initial=0)) + 1
    pair, first = pd.factorize(names[present].astype(np.int64) * width + codes)
    pair_name = first // width
    order = np.argsort(pair_name, kind="stable")
    start = np.searchsorted(pair_name[order], pair_name[order], side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - start  # the value's rank within its name
    bits = len(order) + 1
    held = distinct_sorted(group[present] * bits + rank[pair])
    sets = [0] * groups
    for member, bit in zip((held // bits).tolist(), (held % bits).tolist(), strict=True):
        sets[member] |= 1 << bit
    return sets


def _addresses(features: pd.DataFrame) -> pd.Series:
    """Per record its full address as one value (None without street or postcode)."""
    street, number = features["street_key"], features["house_number_key"].fillna("")
    return street + " " + number + " " + features["postal_code"]


def _colours(identities: list[tuple[int, int, int]]) -> int:
    """How many people a greedy colouring needs: kind bits held by both, or birth dates
    or addresses with none in common (bit sets, `_value_bits`), keep two identities apart.
    One address does not make two identities one person: a father and a son of one name
    share it. `identities` come richest first."""
    taken: list[int] = []
    dates: list[int] = []
    homes: list[int] = []
    for kinds, born, home in identities:
        for index in range(len(taken)):
            if (
                not (taken[index] & kinds)
                and not (born and dates[index] and not dates[index] & born)
                and not (home and homes[index] and not homes[index] & home)
            ):
                taken[index] |= kinds
                dates[index] |= born
                homes[index] |= home
                break
        else:
            taken.append(kinds)
            dates.append(born)
            homes.append(home)
    return len(taken)
