"""End to end at scale: generate, consolidate into SQLite and PostgreSQL, add one more day.

    .venv/bin/python benchmarks/end_to_end.py                         # 250,000 people ≈ 1M rows
    .venv/bin/python benchmarks/end_to_end.py --people 25000 --backends sqlite

Generates `--days` + 1 export days with the demo generator, consolidates the first `--days`
(the full load) into each backend, then delivers the last day (the incremental run: new and
changed rows only matter, snapshots repeat the rest). Prints per stage wall time and rows
per second, peak RSS per backend, the incremental run's share of the full load, and the
pairwise F1 against the generator's truth. The full load and the day each run in a fresh
process, as scheduled runs do: each peak RSS is its own, and the day does not start in a
process that a full load has filled. The day runs `--day-runs` times (default 3), each on
the warehouse as the full load left it (a copy of the SQLite file, a PostgreSQL template
database); the run of median time is reported, with all runs' seconds. Prints figures
only; it asserts nothing, but exits with 1 when a backend's run failed or the day's runs
read different rows (CI runs it small, so it cannot rot).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

STAGES = (
    ("discover", "files"),
    ("read", "rows read"),
    ("validate", "rows read"),
    ("stage", "rows read"),
    ("prepare", "records"),
    ("features", "records"),
    ("blocking", "records"),
    ("comparisons", "pairs"),
    ("estimation", "pairs"),
    ("scoring", "pairs"),
    ("clustering", "records"),
    ("evidence", "pairs"),
    ("golden", "customers"),
    ("load", "customers"),
    ("report", "customers"),
)
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _generate(
    workdir: Path, people: int, days: int, seed: int, difficulty: str, last_day_volume: float
) -> tuple[Path, Path, float]:
    from pipelines.demo.generator import generate_landing

    everything, truth = workdir / "all", workdir / "truth.csv"
    started = time.perf_counter()
    generate_landing(
        everything,
        truth,
        people=people,
        days=days + 1,
        seed=seed,
        difficulty=difficulty,
        last_day_volume=last_day_volume,
    )
    return everything, truth, time.perf_counter() - started


def _last_day(everything: Path) -> str:
    days = sorted({_day_of(p.name) for p in everything.iterdir()} - {""})
    return days[-1]


def _day_of(name: str) -> str:
    for part in name.replace(".", "_").split("_"):
        if len(part) == 10 and part[4] == "-" and part[7] == "-":
            return part
    return ""


def _link(source: Path, target: Path, keep: bool) -> None:
    target.mkdir(parents=True, exist_ok=True)
    last = _last_day(source)
    for entry in source.iterdir():
        link = target / entry.name
        if (_day_of(entry.name) != last) == keep and not link.is_symlink():
            os.symlink(entry.resolve(), link)


def _start_prefect() -> float:
    """Seconds to start Prefect's API server, which a bare flow call starts in-process on
    first use (a deployment talks to a running server): a trivial flow, before the clock."""
    from prefect import flow

    @flow(name="benchmark-warm-up")
    def warm_up() -> None:
        return None

    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


PHASES = ("full", "day")  # the full load (then a re-run with nothing new), the last day


def _phase(phase: str, url: str, workdir: Path, landing: Path) -> dict[str, Any]:
    """One phase of a backend in this (fresh) process, as a scheduled run starts one:
    `full` links every export day but the last, loads them, measures F1 and runs again
    with nothing new; `day` delivers the last export day."""
    from pipelines.flow import consolidate

    prefect_seconds = _start_prefect()
    _link(workdir / "all", landing, keep=phase == "full")
    started = time.perf_counter()
    summary = consolidate(landing=landing, warehouse_url=url, report_dir=workdir / "reports")
    result = {
        "summary": summary,
        "seconds": time.perf_counter() - started,
        "prefect_seconds": prefect_seconds,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if phase == "full":
        from pipelines.evaluate import evaluate_warehouse

        metrics = evaluate_warehouse(url, workdir / "truth.csv")
        result.update(precision=metrics.precision, recall=metrics.recall, f1=metrics.f1)
        started = time.perf_counter()
        consolidate(landing=landing, warehouse_url=url, report_dir=workdir / "reports")
        result["noop_seconds"] = time.perf_counter() - started
    result["worker_rss_mib"] = _worker_peak_mib(url)
    return result


def _worker_peak_mib(url: str) -> float:
    """The peak RSS of the run's chart worker (the second process that draws the report),
    read from Linux's /proc while it lives (0 where there is none or no /proc)."""
    from benchmarks.splink_compare import _status_mib
    from pipelines.chart_worker import shared_worker

    worker = shared_worker(url, start=False)
    peak = _status_mib("VmHWM", worker.pid) if worker is not None else None
    return peak or 0.0


def _run_backend(url: str, workdir: Path, day_runs: int, admin_url: str) -> dict[str, Any] | str:
    """The phases of one backend, each in a process of its own (so each peak RSS is its
    own and the day starts as a nightly run does, not in a process a full load has
    filled); the error text of the first that fails. The day runs `day_runs` times, each
    on the warehouse as the full load left it: the run of median time is reported."""
    landing = workdir / f"landing-{uuid.uuid4().hex[:6]}"

    def run(phase: str) -> dict[str, Any] | str:
        command = [sys.executable, __file__, "--phase", phase, "--url", url]
        command += ["--workdir", str(workdir), "--landing", str(landing)]
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            return f"{phase}: {child.stderr[-3000:]}"
        result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
        return result

    full = run("full")
    if isinstance(full, str):
        return full
    days = []
    with Snapshot(url, workdir, admin_url) as snapshot:
        for _ in range(day_runs):
            snapshot.restore()
            day = run("day")
            if isinstance(day, str):
                return day
            days.append(day)
    if any(result["summary"]["rows"] != days[0]["summary"]["rows"] for result in days):
        return "the incremental day's runs did not start from the same warehouse"
    days.sort(key=lambda result: float(result["seconds"]))
    day = days[len(days) // 2]
    return {
        "full": full["summary"],
        "full_seconds": full["seconds"],
        "prefect_seconds": full["prefect_seconds"],
        "noop_seconds": full["noop_seconds"],
        "incremental": day["summary"],
        "incremental_seconds": day["seconds"],
        "incremental_runs": [result["seconds"] for result in days],
        "rss_mib": full["rss_mib"],
        "rss_day_mib": day["rss_mib"],
        "worker_rss_mib": full["worker_rss_mib"],
        "worker_rss_day_mib": day["worker_rss_mib"],
        **{key: full[key] for key in ("precision", "recall", "f1")},
    }


class Snapshot:
    """The warehouse as the full load left it, put back before each incremental day: a
    copy of the SQLite file, or a PostgreSQL database made from it as a template."""

    def __init__(self, url: str, workdir: Path, admin_url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite:///")
        self.copy = workdir / "warehouse-after-full-load.db"
        self.name = url.rsplit("/", 1)[1]
        self.admin = admin_url
        self.template = f"{self.name}_full"
        self.taken = False  # the first day runs on the warehouse as it is

    def __enter__(self) -> Snapshot:
        if self.sqlite:
            _sqlite_copy(Path(self.url.removeprefix("sqlite:///")), self.copy)
        else:  # a template must have no sessions: the last run's chart worker may linger
            self._postgres(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
            )
            self._postgres(f'CREATE DATABASE "{self.template}" TEMPLATE "{self.name}"')
        return self

    def restore(self) -> None:
        """The warehouse as it was (the first day runs on it as it is), written to disk
        before the day starts: the day does not pay for flushing a copy of it."""
        if not self.taken:
            self.taken = True
        elif self.sqlite:
            _sqlite_copy(self.copy, Path(self.url.removeprefix("sqlite:///")))
        else:
            self._postgres(f'DROP DATABASE "{self.name}" WITH (FORCE)')
            self._postgres(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
        os.sync()

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            self.copy.unlink(missing_ok=True)
        else:
            self._postgres(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')

    def _postgres(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        admin = create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(statement))
        admin.dispose()


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the WAL included)."""
    import sqlite3

    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _backend_url(backend: str, workdir: Path, admin_url: str) -> tuple[str, str | None]:
    """The warehouse URL of a backend; PostgreSQL gets a fresh database beside `admin_url`."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'warehouse.db'}", None
    from sqlalchemy import create_engine, text

    name = f"kundenstamm_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def _drop(name: str, admin_url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _units(summary: dict[str, Any]) -> dict[str, int]:
    return {
        "files": len(summary["deliveries"]),
        "rows read": summary["rows"]["read"],
        "records": summary["warehouse"]["source_records"],
        "pairs": sum(summary["pairs_per_rule"].values()),
        "customers": summary["customers"],
    }


def _unbooked(total: float, timings: dict[str, float]) -> float:
    """Seconds of a run that no stage booked (run bookkeeping, Prefect's task calls)."""
    return total - sum(timings.get(stage, 0.0) for stage, _ in STAGES)


def _print(backend: str, result: dict[str, Any]) -> None:
    full, incremental = result["full"], result["incremental"]
    timings, units = full["timings"], _units(full)
    print(f"\n== {backend}: full load of {units['rows read']:,} rows ==")
    print(f"{'stage':<12}{'seconds':>10}{'per second':>16}  unit")
    for stage, unit in STAGES:
        seconds = timings.get(stage, 0.0)
        rate = f"{units[unit] / seconds:,.0f}" if seconds else "-"
        print(f"{stage:<12}{seconds:>10.1f}{rate:>16}  {unit}")
    total = result["full_seconds"]
    other = _unbooked(total, timings)
    print(f"{'other':<12}{other:>10.1f}{'':>16}  (discovery, run bookkeeping, Prefect tasks)")
    print(f"{'total':<12}{total:>10.1f}{units['rows read'] / total:>16,.0f}  rows read")
    print(
        f"records {units['records']:,}  candidate pairs {units['pairs']:,}  customers "
        f"{units['customers']:,}  quarantined {full['rows']['quarantined']:,}"
    )
    print(
        f"pairwise precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
        f"F1 {result['f1']:.4f}"
    )
    print(
        f"peak RSS {result['rss_mib']:,.0f} MiB (full load), "
        f"{result['rss_day_mib']:,.0f} MiB (incremental day); its chart worker's "
        f"{result['worker_rss_mib']:,.0f} MiB and {result['worker_rss_day_mib']:,.0f} MiB"
    )
    print(
        f"Prefect's API server started in {result['prefect_seconds']:.1f} s before the runs "
        "(not in the totals: a deployment talks to a running server)"
    )
    print(f"re-run without new deliveries {result['noop_seconds']:.1f} s")
    share = result["incremental_seconds"] / result["full_seconds"]
    runs = ", ".join(f"{seconds:.1f}" for seconds in result["incremental_runs"])
    rows, matching = incremental["rows"], incremental["matching"]
    new = rows["inserted"] + rows["updated"]
    print(
        f"incremental day: {rows['read']:,} rows read ({rows['inserted']:,} new, "
        f"{rows['updated']:,} changed = {new / units['records']:.2%} of the records, "
        f"{rows['duplicate']:,} unchanged) in {result['incremental_seconds']:.1f} s = "
        f"{share:.1%} of the full load (median of {len(result['incremental_runs'])} runs "
        f"on the loaded warehouse: {runs} s)"
    )
    seconds = incremental["timings"]
    other = _unbooked(result["incremental_seconds"], seconds)
    print(
        f"  matching {matching['mode']}, {matching['records_reclustered']:,} records "
        "re-clustered; seconds per stage: "
        + ", ".join(f"{stage} {seconds[stage]:.1f}" for stage, _ in STAGES if stage in seconds)
        + f", other {other:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--difficulty", choices=("easy", "normal", "hard"), default="normal")
    parser.add_argument(
        "--last-day-volume",
        type=float,
        default=0.05,
        help="the incremental day's transactions as a share of a full day's (0.05: "
        "1.4%% of the records new or changed at 250,000 people; the changes of the "
        "daily snapshot exports do not scale with it, so 0.037 still gives 1.2%%)",
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--day-runs",
        type=int,
        default=3,
        help="how often the incremental day runs, each on the warehouse as the full load "
        "left it; the median is reported (one run swings by seconds on a busy machine)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary one")
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_ADMIN,
        help="a server database to create the warehouse from",
    )
    # A child process runs one phase of one backend and prints its result as JSON.
    parser.add_argument("--phase", choices=PHASES, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--landing", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        result = _phase(args.phase, args.url, args.workdir, args.landing)
        print(json.dumps(result, default=str))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kundenstamm-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        everything, _, generated = _generate(
            workdir, args.people, args.days, args.seed, args.difficulty, args.last_day_volume
        )
        size = sum(p.stat().st_size for p in everything.rglob("*") if p.is_file())
        print(
            f"generated {args.people:,} people over {args.days} + 1 days "
            f"({size / 2**20:,.0f} MiB) in {generated:.1f} s"
        )
        for backend in args.backends.split(","):
            url, database = _backend_url(backend, workdir, args.postgres_url)
            try:
                outcome = _run_backend(url, workdir, max(args.day_runs, 1), args.postgres_url)
                if isinstance(outcome, str):
                    print(f"\n== {backend}: failed ==\n{outcome}")
                    failed = True
                    continue
                _print(backend, outcome)
            finally:
                if database:
                    _drop(database, args.postgres_url)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
