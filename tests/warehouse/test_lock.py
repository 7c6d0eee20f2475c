from __future__ import annotations

import pytest

from schemas.errors import WarehouseError
from warehouse.engine import engine_for, make_engine
from warehouse.lock import writer_lock


def test_second_writer_fails_clearly_and_lock_is_released(warehouse_url: str) -> None:
    first = engine_for(warehouse_url)
    second = make_engine(warehouse_url)  # another process would have its own engine
    try:
        with writer_lock(first):
            with pytest.raises(WarehouseError, match="another kundenstamm run is writing"):
                with writer_lock(second, wait_seconds=0.3):
                    pass
        with writer_lock(second):  # free again once the first run ends
            pass
    finally:
        second.dispose()
