from __future__ import annotations

import pandas as pd

from matching.person_values import KIND_BITS, held_by_both, kind_names, one_person_kinds
from tests.matching.helpers import features, rec


def test_records_carry_the_kinds_of_their_one_person_values() -> None:
    out = features(
        rec(first_name="Eva", last_name="Roth", email="eva.roth@web.de", street="Ring",
            house_number="1", postal_code="10115"),
        rec(first_name="Uwe", last_name="Kern", identifiers=("card:K-1", "coupon:TREUE20")),
        rec(first_name="Ida", last_name="Kern", email="familie@web.de", street="Ring"),
        rec(first_name="Ole", last_name="Lau", email="familie@web.de", phone="+4917011111111"),
    )  # fmt: skip
    kinds = [kind_names(int(bits)) for bits in one_person_kinds(out)]
    # A coupon code is no person's; a street without a postcode is no address; a mailbox
    # that two people use is nobody's own.
    assert kinds == [["email", "address"], ["card"], [], ["phone"]]


def test_review_pairs_get_the_kinds_both_clusters_hold() -> None:
    email, phone, card = KIND_BITS["email"], KIND_BITS["phone"], KIND_BITS["card"]
    clusters = {1: 0, 2: 0, 3: 1, 4: 2}
    kinds = pd.Series({1: email, 2: card, 3: email | card, 4: phone, 9: phone})
    assert held_by_both(clusters, kinds, [(2, 3), (1, 4), (3, 4)]) == [["email", "card"], [], []]
    # A record without kinds, a record in no cluster, and no pairs at all.
    assert held_by_both({**clusters, 5: 2}, kinds, [(5, 4), (3, 7)]) == [["phone"], []]
    assert held_by_both(clusters, kinds, []) == []
