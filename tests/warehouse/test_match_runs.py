from __future__ import annotations

import pandas as pd

from warehouse.match_runs import changed_since


def test_changed_records_are_the_rewritten_and_the_never_linked() -> None:
    records = pd.DataFrame(
        {"last_run_id": [1, 3, 2, 1]}, index=pd.Index([10, 11, 12, 13], name="id")
    )
    # 11 was written by run 3, after the match of run 2; 13 never got a customer (a run
    # that died between staging and matching); 10 and 12 are as the match left them.
    assert changed_since(records, {10: "K1", 11: "K2", 12: "K3"}.keys(), 2) == [11, 13]
    assert changed_since(records, [], 3) == [10, 11, 12, 13]
    assert changed_since(records.iloc[:0], [], 1) == []
