from __future__ import annotations

import pandas as pd

from matching.values import value_positions


def test_values_come_with_row_positions_and_tuples_exploded() -> None:
    frame = pd.DataFrame(
        {
            "phone": ["+491", None, "+492"],
            "phone_alt": ["+491", "+491", None],
            "identifiers": [("card:1", "coupon:X"), (), ("card:1",)],
        },
        index=[40, 41, 42],  # positions, not labels, come back
    )
    phones = value_positions(frame, ["phone", "phone_alt"])
    assert sorted(zip(phones["value"], phones["pos"], strict=True)) == [
        ("+491", 0), ("+491", 1), ("+492", 2),
    ]  # fmt: skip
    every = value_positions(frame, ["phone", "phone_alt"], distinct=False)
    assert len(every) == 4  # record 0 carries +491 twice
    ids = value_positions(frame, ["identifiers"])
    assert sorted(zip(ids["value"], ids["pos"], strict=True)) == [
        ("card:1", 0), ("card:1", 2), ("coupon:X", 0),
    ]  # fmt: skip


def test_no_values_give_an_empty_table() -> None:
    frame = pd.DataFrame({"phone": [None, None], "identifiers": [(), ()]})
    for columns in (["phone"], ["identifiers"], ["phone", "identifiers"]):
        long = value_positions(frame, columns)
        assert long.empty and list(long.columns) == ["value", "pos"]
    assert value_positions(frame.iloc[:0], ["phone", "identifiers"]).empty
