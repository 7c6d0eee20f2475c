"""Python's cyclic garbage collector, tuned for a batch run.

A run allocates millions of small containers (parsed rows, tuples of identifiers, dicts
for bulk inserts) that live until the run ends. With the default thresholds the collector
walks every live object again and again: measured at 100,000 source rows, a fifth of the
run went to it (validate 5.6 s → 3.9 s, stage 5.0 s → 3.7 s with these thresholds, the same
as with the collector off). Collections stay on, so reference cycles are still freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BATCH_THRESHOLDS = (50_000, 20, 100)  # young, middle, full: default 700, 10, 10


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with batch thresholds; the previous ones are restored after it."""
    previous = gc.get_threshold()
    gc.set_threshold(*BATCH_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
