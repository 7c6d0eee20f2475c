import gc

from pipelines.collector import BATCH_THRESHOLDS, fewer_collections


def test_batch_thresholds_hold_inside_and_the_previous_ones_after() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            assert gc.get_threshold() == BATCH_THRESHOLDS
            assert gc.isenabled()
            raise RuntimeError("a failed run")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
