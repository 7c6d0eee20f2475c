"""Per-row cost of `parse_row` on the reference sample rows (not a test; run it):

    .venv/bin/python -m tests.schemas.bench_parse_row [iterations]

"warm" repeats the rows, so the normalizers' LRU caches answer repeated values (as they do
for the same person across sources); "cold" clears every cache before each row, the upper
bound for a file of all-distinct people. CPU time, best of three.
"""

from __future__ import annotations

import gc
import sys
import time
from functools import _lru_cache_wrapper
from typing import Any

from schemas import address, dates, email, names, phone
from schemas.parse import parse_row
from tests.schemas.conftest import LOADERS

_KINDS = {"shopware_customer": "shop_customer"}


def _caches() -> list[_lru_cache_wrapper[Any]]:
    modules = (address, dates, email, names, phone)
    found = [f for m in modules for f in vars(m).values() if isinstance(f, _lru_cache_wrapper)]
    return [f for f in found if f is not phone._plan]  # one compiled numbering plan per region


def _run(rows: list[tuple[str, dict[str, Any]]], total: int, cold: bool) -> float:
    caches = _caches() if cold else []
    done = 0
    start = time.process_time()
    while done < total:
        for kind, data in rows:
            for cache in caches:
                cache.cache_clear()
            parse_row(kind, data)
            done += 1
    return (time.process_time() - start) / done * 1e6


def main(total: int = 100_000) -> None:
    rows = [(_KINDS.get(k, k), row) for k, load in LOADERS.items() for row in load()]
    _run(rows, 2_000, cold=False)
    gc.disable()
    warm = min(_run(rows, total, cold=False) for _ in range(3))
    cold = min(_run(rows, total // 5, cold=True) for _ in range(3))
    sys.stdout.write(f"{len(rows)} sample rows, {total} iterations\n")
    sys.stdout.write(f"warm caches: {warm:6.1f} µs/row\ncold caches: {cold:6.1f} µs/row\n")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
