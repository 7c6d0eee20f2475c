"""The shipped match settings as plain data: the place to tune thresholds and m/u priors.

A level's weight is log2(m/u): m = share of true matches at the level, u = share of random
record pairs at it. Weights at a glance (prior λ = 1e-4 is -13.3 bits; auto link at 0.8
needs a total weight of about +15.3, review at 0.3 about +12.1):

    first name exact +6.7, nickname +4.6, different -23.2 (fixed: households, twins)
    last name exact +8.7, swapped with the first name +8.6 (both names exact but swapped:
        weighed as the full name, by its namesakes), different -4.6 (marriage)
    a name one keyboard slip from the other (same initial: Samdra / Sandra) is a typo
        (jw_high), however short; merely alike names (Jürgen / Jörg) stay jw_mid
    birth date exact +13.1, different -26.6 (fixed: father and son of one name)
    email of one name +22.4 (u fixed), used by several names or `familie.*` +2.0
    phone: mobile of one name +22.1, landline of one name +13.3, several names +1.3;
        a mobile against a landline is no disagreement (missing)
    a household's email or phone under alike names (up to a nickname or typo, or no last
        name on one side) about +8 (u times the chance that two people's first names
        agree, Σ f² of the frame's first names: about 1.5%)
    address exact +10.1, street +5.6, postcode +3.3
    place: a landline's area (06131: Mainz) is the other record's city +4.2, another -3.2
        (only where one side has no address; weighed by how common the city is)
    identifier of one name +28.2 (u fixed: random pairs never share one), generic code +2.0;
        different only for two person identifiers of one kind (two loyalty cards)
    salutation Herr/Frau different -4.6, jun./sen. different -28.9 (father and son: proof)

A different first name or full birth date is near-proof of another person, like jun./sen.:
surname, address and landline agree for a whole household (they are not independent
evidence), so twins (+13.1 birth date, +10.1 address, +8.7 surname) or a father and son of
one name (+6.7, +8.7, +10.1, +13.3 landline) would otherwise outscore the one difference
(tests/matching/test_households.py). A typo in either stays a weaker level, not "different".

Unless fixed (FIX_M / FIX_U), m is re-estimated by EM over the candidate pairs and u from
random pairs when there is enough data; otherwise these priors are used as they are.
Names (exact, nickname) and places (postcode, city) are then weighed by how common the
agreeing value is (`term_frequency`, see `matching.frequency`): `Müller` agreeing is
worth about +4; a full name that only one customer carries about +15 for both names
among 5,000 people, one that four customers carry about +9.
"""

from __future__ import annotations

from typing import Any

FIX_M, FIX_U, FIX_MU = "m", "u", "mu"  # which of m / u the data may not re-estimate


def _levels(*levels: tuple[str, float, float] | tuple[str, float, float, str]) -> list[Any]:
    return [
        {
            "name": level[0],
            "m": level[1],
            "u": level[2],
            "fix_m": "m" in (level[3] if len(level) > 3 else ""),
            "fix_u": "u" in (level[3] if len(level) > 3 else ""),
        }
        for level in levels
    ]


DEFAULT_SETTINGS: dict[str, Any] = {
    # Measured on the demo sets (benchmarks/match_quality.py, seeds 42/7/123, 1k and 5k
    # people, --difficulty hard and normal): F1 is flat from 0.7 to 0.8 (within 0.4
    # points either way, since a phone-only call from a one-name landline links on its
    # own, see phone), but 0.7 merges two Erikas born the same day under different
    # surnames on the priors alone;
    # 0.8 keeps those for review (an automatic merge is harder to undo than a review).
    # At 0.6 precision falls faster than recall rises at 5k people; above 0.85 recall
    # drops by 3 points.
    "link_threshold": 0.8,
    "review_threshold": 0.3,
    "blocking": [
        {"name": "email", "columns": ["email"], "max_block_size": 50},
        {"name": "phone", "method": "any_of", "columns": ["phone", "phone_alt"],
         "max_block_size": 50},
        {"name": "identifier", "method": "any_of", "columns": ["identifiers"],
         "max_block_size": 100},
        # Blocks over 100 (all Müllers of a busy postcode) split by first initial: at
        # 100,000 people (143,624 records) 1.07M -> 0.92M pairs of this rule at the same F1;
        # dropping them instead (cap 50) cost 0.3 points of recall.
        {"name": "postcode_surname", "columns": ["postal_code", "last_name_phonetic"],
         "max_block_size": 100, "refine_with": ["first_initial"]},
        {"name": "birthdate_firstname", "columns": ["birth_date_key", "first_name_nick_phonetic"]},
        # A full name carried by more than 30 records (identical sorted keys pair all with
        # all) makes no pairs: at 100,000 people 2.37M -> 1.01M pairs at the same F1; at
        # 250,000 people cap 100 gave 7.1M pairs, 10 GiB and an EM that took namesakes
        # for matches (F1 0.89), cap 30 gives 1.9M pairs and F1 0.945.
        {"name": "sorted_name", "method": "sorted_neighbourhood", "columns": ["name_tokens"],
         "window": 3, "max_block_size": 30},
    ],
    "comparisons": [
        {"name": "first_name", "method": "first_name", "thresholds": [0.92, 0.8],
         "term_frequency": ["exact", "nickname"],
         "levels": _levels(
             ("exact", 0.83, 0.008), ("nickname", 0.05, 0.002),
             ("part", 0.02, 0.001), ("phonetic", 0.02, 0.003), ("jw_high", 0.03, 0.003),
             ("initial", 0.02, 0.004), ("jw_mid", 0.005, 0.02),
             ("different", 1e-7, 0.96, FIX_M),
         )},
        {"name": "last_name", "method": "last_name", "thresholds": [0.92, 0.8],
         "term_frequency": ["exact"],
         "levels": _levels(
             ("exact", 0.85, 0.002), ("swapped", 0.02, 0.00005, FIX_U), ("phonetic", 0.04, 0.002),
             ("jw_high", 0.03, 0.002), ("part", 0.02, 0.0005), ("jw_mid", 0.01, 0.02),
             ("different", 0.04, 0.97),
         )},
        {"name": "birth_date", "method": "birth_date",
         "levels": _levels(
             ("exact", 0.9, 0.0001), ("month_day", 0.05, 0.00014), ("transposed", 0.01, 0.0001),
             ("year_month", 0.02, 0.001), ("different", 1e-8, 0.998, FIX_M),
         )},
        {"name": "email", "method": "email",
         "levels": _levels(
             ("exact", 0.55, 1e-7, FIX_U), ("shared", 0.05, 0.0125, FIX_U),
             ("local_part", 0.05, 0.0005), ("different", 0.35, 0.999),
         )},
        # A landline only one customer's name carries is that customer's number as far as
        # the data can tell, as for the PBX's caller-ID lookup: u 1e-5 lets a nameless
        # call from it link alone (at 2e-5 it scored 0.70, yet 169 of 170 such pairs in
        # the three hard 5k sets were one person; a call by another member of the
        # household goes to that customer too, unmeasured: the demo truth credits such a
        # call to nobody); a different name, birth date or jun./sen. still outweighs it.
        {"name": "phone", "method": "phone",
         "levels": _levels(
             ("mobile", 0.45, 1e-7, FIX_U), ("landline", 0.1, 1e-5, FIX_U),
             ("shared", 0.05, 0.02, FIX_U), ("different", 0.4, 0.999),
         )},
        {"name": "address", "method": "address", "term_frequency": ["postcode", "city"],
         "levels": _levels(
             ("exact", 0.55, 0.0005), ("street", 0.1, 0.002), ("postcode", 0.1, 0.01),
             ("city", 0.05, 0.02), ("different", 0.2, 0.97),
         )},
        # Where a landline lies: its area code's place (phonenumbers' geocoder) against the
        # other record's city, when only one side has an address.
        {"name": "place", "method": "place", "term_frequency": ["same"],
         "levels": _levels(("same", 0.9, 0.05), ("different", 0.1, 0.95))},
        {"name": "identifiers", "method": "identifiers",
         "levels": _levels(
             ("unique", 0.3, 1e-9, FIX_U), ("shared", 0.02, 0.005, FIX_U),
             ("different", 0.65, 0.99),
         )},
        {"name": "salutation", "method": "exact", "column": "salutation",
         "levels": _levels(("same", 0.98, 0.5), ("different", 0.02, 0.5, FIX_M))},
        {"name": "name_suffix", "method": "exact", "column": "name_suffix",
         "levels": _levels(("same", 0.99, 0.5, FIX_MU), ("different", 1e-9, 0.5, FIX_MU))},
    ],
}  # fmt: skip
