"""End-to-end figures: generate a landing folder, consolidate it, print time, memory and F1.

    .venv/bin/python benchmarks/end_to_end.py --people 1000 --days 7
    .venv/bin/python benchmarks/end_to_end.py --people 20000 --warehouse postgresql://postgres@127.0.0.1:5432/bench

Prints figures only; it asserts nothing (targets are judged by people, not by a timed test).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pipelines.demo.generator import generate_landing
from pipelines.evaluate import evaluate_warehouse
from pipelines.flow import consolidate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--warehouse", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kundenstamm-bench-"))
    landing, truth = workdir / "landing", workdir / "truth.csv"
    url = args.warehouse or f"sqlite:///{workdir / 'warehouse.db'}"
    try:
        started = time.perf_counter()
        generate_landing(landing, truth, people=args.people, days=args.days, seed=args.seed)
        generated = time.perf_counter() - started

        started = time.perf_counter()
        summary = consolidate(landing=landing, warehouse_url=url)
        first_run = time.perf_counter() - started

        started = time.perf_counter()
        consolidate(landing=landing, warehouse_url=url)
        rerun = time.perf_counter() - started

        metrics = evaluate_warehouse(url, truth)
        rows = summary["rows"]
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        backend = url.split(":")[0]
        print(f"people {args.people}, days {args.days}, seed {args.seed}, warehouse {backend}")
        print(f"generate         {generated:8.1f} s")
        print(f"consolidate      {first_run:8.1f} s  ({rows['read'] / first_run:,.0f} rows/s)")
        print(f"re-run (no-op)   {rerun:8.1f} s")
        print(
            f"rows read {rows['read']:,}  loaded {rows['loaded']:,}  quarantined "
            f"{rows['quarantined']:,}  duplicate {rows['duplicate']:,}  skipped {rows['skipped']:,}"
        )
        print(f"customers {summary['customers']:,}  pairs per rule {summary['pairs_per_rule']}")
        print(
            f"pairwise precision {metrics.precision:.4f}  recall {metrics.recall:.4f}  "
            f"F1 {metrics.f1:.4f}  (FP {metrics.false_positives}, FN {metrics.false_negatives})"
        )
        print(f"peak RSS         {peak_mib:8.0f} MiB")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
