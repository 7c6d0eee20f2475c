from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from prefect import flow
from prefect.flow_engine import BaseFlowRunEngine

from pipelines.heartbeats import end_heartbeats_promptly


def test_a_run_sends_its_heartbeats_and_ends_without_waiting_for_their_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    senders: list[threading.Thread] = []
    emit = BaseFlowRunEngine._emit_flow_run_heartbeat

    def recorded(engine: BaseFlowRunEngine[Any, Any], *args: Any, **kwargs: Any) -> None:
        emit(engine, *args, **kwargs)
        senders.append(threading.current_thread())

    monkeypatch.setattr(BaseFlowRunEngine, "_emit_flow_run_heartbeat", recorded)

    @flow(name="heartbeat-check")
    def until_first_heartbeat() -> None:
        deadline = time.monotonic() + 10
        while not senders and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # the heartbeat thread is in its first one-second sleep

    assert end_heartbeats_promptly()
    assert end_heartbeats_promptly()  # installed once: a second call wraps nothing again
    until_first_heartbeat()
    assert len(senders) == 1, "the run sends its first heartbeat as it starts"
    (thread,) = senders
    # Stopped but not joined: the thread is in its one-second sleep when the run returns
    # (a join would have waited for it), and ends by itself after, sending nothing more.
    assert thread.is_alive()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(senders) == 1
