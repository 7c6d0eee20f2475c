from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pytest

from matching.linker import LinkResult, link_records
from matching.scoring import evidence, level_weights, match_probability, prior_parameters
from tests.matching.helpers import frame, rec, settings

HOME = {"street": "Hauptstraße", "house_number": "5", "postal_code": "70173", "city": "Stuttgart"}
LANDLINE = "+49711234567"


def _link(*records: dict[str, Any]) -> LinkResult:
    return link_records(frame(*records))


def _decision(result: LinkResult, left: int, right: int) -> str | None:
    row = result.pairs[(result.pairs["left"] == left) & (result.pairs["right"] == right)]
    return None if row.empty else str(row["decision"].iloc[0])


@pytest.mark.parametrize("with_birth_dates", [True, False])
def test_spouses_are_not_linked(with_birth_dates: bool) -> None:
    """Same surname, address, landline and mailbox; different first name (and birth date)."""
    shared = {**HOME, "last_name": "Müller", "phone_alt": LANDLINE, "email": "mueller@web.de"}
    hans = rec(first_name="Hans", **shared)
    helga = rec(first_name="Helga", **{**shared, "last_name": "Mueller"})
    if with_birth_dates:
        hans["birth_date"], helga["birth_date"] = date(1960, 3, 4), date(1962, 7, 8)
    result = _link(hans, helga)
    assert _decision(result, 1, 2) is None  # below the review threshold
    assert result.clusters[1] != result.clusters[2]


def test_father_and_son_are_kept_apart_by_suffix() -> None:
    shared = {**HOME, "first_name": "Klaus", "last_name": "Weber", "phone_alt": LANDLINE}
    result = _link(rec(name_suffix="sen.", **shared), rec(name_suffix="jun.", **shared))
    assert _decision(result, 1, 2) != "auto"


def test_koenig_with_initial_and_shared_card_is_linked() -> None:
    result = _link(
        rec(source="pos_receipt", first_name="M.", last_name="Koenig",
            identifiers=("card:K-004711",)),
        rec(source="helpdesk_user", first_name="Marlene", last_name="König",
            email="marlene@koenig.de", identifiers=("card:K-004711",)),
    )  # fmt: skip
    assert _decision(result, 1, 2) == "auto"
    assert result.clusters[1] == result.clusters[2]
    explained = result.pairs["evidence"].iloc[0]
    assert explained["identifiers"]["level"] == "unique"
    assert explained["first_name"]["level"] == "initial"
    assert explained["last_name"]["level"] == "exact"


def test_id_only_receipt_is_linked_by_its_card() -> None:
    result = _link(
        rec(source="pos_receipt", identifiers=("card:K-004711",)),
        rec(first_name="Marlene", last_name="König", identifiers=("card:K-004711",)),
    )
    assert _decision(result, 1, 2) == "auto"


def test_generic_coupon_links_nobody() -> None:
    code = ("coupon:WILLKOMMEN10",)
    result = _link(
        rec(first_name="Jürgen", last_name="Weiß", identifiers=code),
        rec(first_name="Björn", last_name="Groß", identifiers=code),
        rec(first_name="Änne", last_name="Müller", identifiers=code),
    )
    assert result.pairs.empty
    assert result.clusters.nunique() == 3


def test_weights_are_log_bayes_factors_and_missing_weighs_nothing() -> None:
    config = settings()
    parameters = prior_parameters(config)
    email = config.comparison("email")
    column = [c.name for c in config.comparisons].index("email")
    codes = np.full((2, len(config.comparisons)), -1, dtype=np.int8)
    codes[0, column] = email.code("exact")
    weights = level_weights(codes, parameters)
    exact = email.ordered_levels()[email.code("exact")]
    assert weights[0, column] == pytest.approx(math.log2(exact.m / exact.u), rel=1e-6)
    assert weights[1].sum() == 0.0
    probability = match_probability(weights.sum(axis=1), parameters)
    prior = config.scoring.prior_match_probability
    assert probability[1] == pytest.approx(prior)  # no evidence: the prior itself
    odds = prior / (1 - prior) * exact.m / exact.u
    assert probability[0] == pytest.approx(odds / (1 + odds))
    explained = evidence(codes, weights, parameters)[0]
    assert explained["email"] == {"level": "exact", "weight": round(float(weights[0, column]), 3)}
    assert explained["phone"] == {"level": "missing", "weight": 0.0}
