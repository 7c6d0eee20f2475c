"""A process of our own that reads report figures and draws charts beside a run.

matplotlib holds the interpreter lock while it draws (a day's report spent about a
second on seven charts), so a thread cannot draw beside the match: a second interpreter
can, on the machine's other core. It is started as `python -m pipelines.chart_worker`
rather than through multiprocessing, whose spawning re-imports the caller's `__main__`
(a user's script, run again). Requests and answers are pickles over its stdin and stdout,
answered in order; one worker per process serves every run and exits when its stdin
closes (the parent exited or closed it). The caller draws in its own process whatever
the worker cannot answer (it did not start, it died): `WorkerGone`.

A second worker that reads and decodes an incremental match's stored features while the
run stages, then matches, was measured on the 1M benchmark's day and left out: importing
the matching code (2 s, scikit-learn under recordlinkage) and reading took longer than
the day's staging on two cores, so the run waited 0.7-1.5 s for it and gained nothing.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)


class WorkerGone(RuntimeError):
    """The chart worker could not take or answer a request: draw in this process."""


class ChartWorker:
    """The parent's handle: `submit` sends a request, its future gets the answer."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._requests = process.stdin
        self._pending: deque[Future[Any]] = deque()
        # Two locks: a request is queued and written in one order under `_writing`, while
        # the reader pops answered requests under `_lock` only, so a full pipe can never
        # hold up the reader that would drain the other.
        self._writing = threading.Lock()
        self._lock = threading.Lock()
        self._alive = True
        threading.Thread(
            target=self._answers, args=(process.stdout,), name="chart-worker", daemon=True
        ).start()

    @classmethod
    def start(cls) -> ChartWorker:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.chart_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": _import_path()},
        )
        return cls(process)

    @property
    def alive(self) -> bool:
        return self._alive

    @property
    def pid(self) -> int:
        return self._process.pid

    def submit(self, task: str, *args: Any) -> Future[Any]:
        """Run `TASKS[task](*args)` in the worker; the future fails with `WorkerGone`
        when the worker is gone before it answers."""
        future: Future[Any] = Future()
        with self._writing:
            with self._lock:
                if not self._alive:
                    future.set_exception(WorkerGone("the chart worker has exited"))
                    return future
                self._pending.append(future)
            try:
                pickle.dump((task, args), self._requests, protocol=pickle.HIGHEST_PROTOCOL)
                self._requests.flush()
            except (OSError, ValueError) as exc:  # it died or was closed: the reader fails
                log.warning("the chart worker takes no more requests: %s", exc)
        return future

    def close(self) -> None:
        """Close its stdin (it exits) and wait for it."""
        with self._writing:
            if not self._requests.closed:
                try:
                    self._requests.close()
                except OSError:
                    pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()

    def _answers(self, stream: BinaryIO) -> None:
        """Resolve the pending futures in order until the worker's stdout closes."""
        while True:
            try:
                ok, value = pickle.load(stream)
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            with self._lock:
                future = self._pending.popleft()
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        with self._lock:
            self._alive = False
            pending, self._pending = list(self._pending), deque()
        for future in pending:
            future.set_exception(WorkerGone("the chart worker exited before answering"))


_WORKER: ChartWorker | None = None


def shared_worker(warehouse_url: str, *, start: bool = True) -> ChartWorker | None:
    """This process's chart worker, started on first use (with `start`; else only one
    already running); None where it cannot help: an in-memory SQLite warehouse (another
    process sees another database) or a worker that could not start."""
    global _WORKER
    if not _shareable(warehouse_url):
        return None
    if _WORKER is None or not _WORKER.alive:
        if not start:
            return None
        try:
            _WORKER = ChartWorker.start()
        except OSError as exc:
            log.warning("no chart worker (%s): the report is drawn in this process", exc)
            return None
        atexit.register(_WORKER.close)
    return _WORKER


def result_or(future: Future[Any] | None, here: Callable[[], Any]) -> Any:
    """The worker's answer, or `here()` when there is no worker or it is gone."""
    if future is None:
        return here()
    try:
        return future.result()
    except WorkerGone as exc:
        log.warning("%s: drawing in this process", exc)
        return here()


def _import_path() -> str:
    """PYTHONPATH for the worker: this project's packages first, the ones imported here."""
    root = str(Path(__file__).resolve().parent.parent)
    return os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))


def _shareable(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return True
    database = parsed.database or ""
    return database not in ("", ":memory:") and "mode=memory" not in str(parsed)


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until stdin closes; a task's exception is its answer."""
    from pipelines.quality import WORKER_TASKS

    while True:
        try:
            task, args = pickle.load(requests)
        except EOFError:
            return
        try:
            answer: tuple[bool, Any] = (True, WORKER_TASKS[task](*args))
        except Exception as exc:  # noqa: BLE001 - the caller decides; it must get an answer
            answer = (False, exc)
        try:
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an exception that does not pickle
            payload = pickle.dumps((False, RuntimeError(f"{task}: {exc!r}")))
        answers.write(payload)
        answers.flush()


def _main() -> None:
    # The answers keep the real stdout; anything a library prints goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    _main()
