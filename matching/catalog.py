"""What match settings may name: feature columns, comparison methods and their levels.

Plain data, so settings are checked when they load (not when a run is half done) and the
settings module needs nothing heavier than this file.
"""

from __future__ import annotations

from typing import Literal

BlockMethod = Literal["exact", "any_of", "sorted_neighbourhood"]
ComparisonMethod = Literal[
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "address",
    "identifiers",
    "place",
    "exact",
    "damerau_levenshtein",
]

# Levels of each method, strongest first; a pair takes the first level it satisfies.
# A pair lacking the field on either side takes no level ("missing", weight 0).
METHOD_LEVELS: dict[str, tuple[str, ...]] = {
    # Names written in swapped order are compared crossed; last_name says "swapped".
    # nickname: Manni = Manfred; part: Hans-Peter ⊃ Peter; initial: M. ~ Marlene;
    # jw_*: Jaro-Winkler at the comparison's two thresholds; different includes the
    # feminine form of the other name (Christian / Christiane: a couple, not a typo).
    "first_name": (
        "exact", "nickname", "part", "phonetic", "jw_high", "initial", "jw_mid", "different",
    ),
    "last_name": ("exact", "swapped", "phonetic", "jw_high", "part", "jw_mid", "different"),
    # month_day: one side knows only day and month (Mailchimp birthday) and they agree.
    "birth_date": ("exact", "month_day", "transposed", "year_month", "different"),
    # shared: the same mailbox, but several people's names use it (a family address).
    "email": ("exact", "shared", "local_part", "different"),
    # mobile: same main number, a mobile (or foreign) one; landline: a shared fixed-network
    # or second number; shared: a number several people's names use; different: two
    # numbers of one kind (mobile / fixed network) that differ.
    "phone": ("mobile", "landline", "shared", "different"),
    "address": ("exact", "street", "postcode", "city", "different"),
    # A landline's area against the other record's city, where only one side has an address.
    "place": ("same", "different"),
    # unique: an identifier only one person's name carries; shared: a generic code;
    # different: person identifiers of one namespace (two loyalty cards) that differ.
    "identifiers": ("unique", "shared", "different"),
    "exact": ("same", "different"),
    # Edits between one column's values (a transposition counts one): a mistyped postcode,
    # house number, birth date or identifier; tuple columns take their closest values.
    "damerau_levenshtein": ("exact", "one_edit", "two_edits", "different"),
}  # fmt: skip
# Methods comparing the one feature column a comparison names (`Comparison.column`).
COLUMN_METHODS: frozenset[str] = frozenset({"exact", "damerau_levenshtein"})
# Levels that may be term-frequency adjusted (`Comparison.term_frequency`), with the feature
# column whose value frequency replaces the level's u (see `frequency`).
TF_COLUMNS: dict[str, dict[str, str]] = {
    "first_name": {"exact": "first_name_key", "nickname": "first_name_nick"},
    "last_name": {"exact": "last_name_key"},
    "address": {"postcode": "postal_code", "city": "city_key"},
    "place": {"same": "place_key"},
}
# Methods taking Jaro-Winkler thresholds (jw_high, jw_mid); the others take none.
THRESHOLD_COUNT: dict[str, int] = {"first_name": 2, "last_name": 2}

# Columns `features.build_features` derives; blocking rules and `exact` comparisons use them.
FEATURE_COLUMNS: frozenset[str] = frozenset(
    {
        "first_name_din", "first_name_ascii", "first_name_key", "first_name_phonetic",
        "first_name_nick", "first_name_nick_phonetic", "first_initial", "first_is_initial",
        "last_name_din", "last_name_ascii", "last_name_key", "last_name_phonetic",
        "name_tokens", "salutation", "name_suffix", "company_key",
        "birth_date_key", "birth_year", "birth_month", "birth_day", "birth_month_day",
        "email", "email_local", "email_local_named", "email_shared",
        "phone", "phone_alt", "phone_shared", "phone_alt_shared", "phone_kinds",
        "street_key", "house_number_key", "postal_code", "city_key", "phone_place", "place_key",
        "identifiers", "identifiers_unique", "identifiers_common", "identifier_kinds",
        "person_kinds",
    }
)  # fmt: skip
# Identifier namespaces naming a person, not a transaction (as the schemas layer's
# PERSON_ID_NAMESPACES): two different values of one of them are two people or accounts.
PERSON_NAMESPACES: tuple[str, ...] = ("card", "shop_customer", "ustid", "voucherify_customer")
# Columns holding a tuple of values per record (blocking explodes them).
TUPLE_COLUMNS: frozenset[str] = frozenset(
    {"identifiers", "identifiers_unique", "identifiers_common"}
)
