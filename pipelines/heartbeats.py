"""Prefect's flow-run heartbeats, without the wait for their thread when a run ends.

Prefect (3.6.22 on) sends a flow run's heartbeats, which drive its detection of crashed
("zombie") runs, from a daemon thread that sleeps in one-second steps. Its synchronous
engine joins that thread when the run ends, so every run ended up to a second late: half
a second of an incremental day at a million rows on average, half of a re-run without new
deliveries. Its asynchronous engine does not join (`join_on_exit=False`): the stop is set
all the same, the thread ends at its next step and sends nothing after it.
`end_heartbeats_promptly` has the synchronous engine stop them the same way; heartbeats
are sent as before. A Prefect whose heartbeats work otherwise is left as it is.
"""

from __future__ import annotations

import inspect
from contextlib import _GeneratorContextManager
from typing import Any

from prefect import flow_engine
from prefect.flow_engine import BaseFlowRunEngine

_PROMPT = "_kundenstamm_without_join"  # marks the wrapper: installed once per process


def end_heartbeats_promptly() -> bool:
    """Have flow runs stop their heartbeat thread without waiting for it; whether they do."""
    send = flow_engine._send_heartbeats
    if getattr(send, _PROMPT, False):
        return True
    if "join_on_exit" not in inspect.signature(send).parameters:
        return False

    def without_join(
        engine: BaseFlowRunEngine[Any, Any], join_on_exit: bool = True
    ) -> _GeneratorContextManager[None]:
        return send(engine, join_on_exit=False)

    setattr(without_join, _PROMPT, True)
    flow_engine._send_heartbeats = without_join  # looked up at each run
    return True
