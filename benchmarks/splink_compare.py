"""Splink 5 (DuckDB) against kundenstamm's matcher on the same normalized records, one run.

    .venv/bin/pip install -e '.[peers]'
    .venv/bin/python benchmarks/splink_compare.py --people 25000 --days 7 --workdir /tmp/sc-25k
    .venv/bin/python benchmarks/splink_compare.py --people 5000 --difficulty hard --seed 7 \
        --workdir /tmp/demo-hard-5k-7    # or a workdir of `kundenstamm demo --difficulty hard`

Input: a demo landing folder (`generate_landing`) consolidated into a SQLite warehouse
(`consolidate`), then the warehouse's normalized identity frame (`identity_frame`). A
`--workdir` that already holds `kundenstamm.db` and `truth.csv` (as `kundenstamm demo`
or an earlier run leaves them) is reused as it is; without `--workdir` a temporary folder
is generated and removed afterwards.

Each matcher runs in a fresh spawned process, one after the other (`--repeat` alternates
them), pinned to the first `--threads` cores; DuckDB gets the same thread count. Wall time
is the matcher alone: kundenstamm's `link_records(frame)`, and for Splink its input
preparation, model training, `predict` and one clustering at 0.95; CPU seconds (user +
system, all threads) of the same part are printed too, as they suffer less from other
load on the machine than wall time. Peak RSS is the child's
own high-water mark (VmHWM; `ru_maxrss` would carry the parent's RSS across the spawn's exec);
Δ RSS is that peak less the RSS after imports and loading the frame. Candidate pairs are
the union of the blocking rules' pairs, counted outside the timed part.

What Splink gets (built from the same frame, inside its timed part): `unique_id` (record
id); `first_name`, `surname` lowercased and folded to ASCII (ä->ae, ö->oe, ü->ue, ß->ss,
other accents stripped, hyphens and dots as spaces) and their concatenation for term
frequencies; `dob` as an ISO string; `email` as normalized; `phones` = the list of the
record's E.164 phone and alternative phone; `postcode` (5-digit PLZ); `street_address` =
folded street and house number; `identifiers` = the namespaced identifiers held by at most
100 records (kundenstamm's identifier block cap; drops three generic coupon codes at 25k
people). Empty values and empty lists are NULL.

Splink's model: ForenameSurnameComparison (term frequencies on the full name),
DateOfBirthComparison, EmailComparison, a German postcode comparison (exact with term
frequencies, first 3 digits, first 2 digits: Splink's PostcodeComparison parses UK
postcodes only), ArrayIntersectAtSizes on phones and on identifiers, JaroWinklerAtThresholds
on the street address. Prediction blocking: email; any phone; any identifier; postcode +
surname; dob + first name; first name + surname (Splink has no sorted neighbourhood, the
closest peer of kundenstamm's sorted-name rule). Prior from deterministic rules with an
assumed recall of 0.7, u from random sampling, EM on first name + surname and on email
(dob is almost always missing here, so Splink's usual dob session would train nothing).
Splink is scored at 0.5, 0.9, 0.95 and at the best threshold of a grid (an oracle: chosen
with the truth); kundenstamm at the settings of the checkout (its auto-link threshold).
`--splink-names separate` swaps ForenameSurnameComparison for a NameComparison on each name.
Splink's log is kept to errors (it warns of levels EM could not train).

Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from splink import Linker

    from matching.settings import MatchSettings

SPLINK_HEADLINE = 0.95  # clustered inside the timed part: kundenstamm's auto-link threshold
SPLINK_REPORTED = (0.5, 0.9, 0.95)
SPLINK_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
IDENTIFIER_CAP = 100  # as kundenstamm's identifier blocking rule's max_block_size
PRIOR_RECALL = 0.7  # assumed recall of the deterministic rules (Splink's documented example)


@dataclass
class Run:
    """One matcher run in its own process: figures and record id -> cluster per threshold."""

    wall: float
    cpu: float  # user + system seconds of all the process's threads in the timed part
    candidates: int
    peak_mib: float
    delta_mib: float | None
    clusters: dict[float, tuple[np.ndarray, np.ndarray]]  # threshold -> (record ids, labels)
    stages: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- child-process helpers


def _pin(threads: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(threads)))


def _status_mib(field: str, pid: int | str = "self") -> float | None:
    """A `/proc/<pid>/status` memory figure (Linux) in MiB, None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _rss_mib() -> float | None:
    return _status_mib("VmRSS")


def _peak_mib() -> float:
    """This process's peak RSS.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss across the exec that starts a spawned
    child, so it would report the (larger) parent's RSS at the fork.
    """
    hwm = _status_mib("VmHWM")
    if hwm is not None:
        return hwm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load(path: Path) -> pd.DataFrame:
    with path.open("rb") as handle:
        frame: pd.DataFrame = pickle.load(handle)
    return frame


# ------------------------------------------------------------------------ kundenstamm


def run_kundenstamm(records_path: Path, threads: int) -> Run:
    """`link_records(frame)` at the checkout's default settings (runs in a spawned child)."""
    _pin(threads)
    from matching.settings import default_settings

    return timed_link(_load(records_path), default_settings())


def timed_link(frame: pd.DataFrame, settings: MatchSettings) -> Run:
    """`link_records(frame, settings)` timed, with the candidate count taken untimed."""
    from matching.blocking import candidate_pairs
    from matching.features import build_features
    from matching.linker import link_records

    before = _rss_mib()
    cpu, started = _cpu_seconds(), time.perf_counter()
    result = link_records(frame, settings)
    wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    peak = _peak_mib()
    # Untimed: the union of the blocking rules' pairs.
    pairs, _ = candidate_pairs(build_features(frame, settings.nickname_files), settings.blocking)
    clusters = result.clusters
    return Run(
        wall=wall,
        cpu=cpu,
        candidates=len(pairs),
        peak_mib=peak,
        delta_mib=None if before is None else peak - before,
        clusters={settings.link_threshold: (clusters.index.to_numpy(), clusters.to_numpy())},
        stages=dict(result.timings),
        notes=[] if result.parameters is None else list(result.parameters.notes),
    )


# ----------------------------------------------------------------------------- Splink

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "-": " ", ".": " "})


def fold(value: object) -> str | None:
    """Lowercase ASCII: German umlauts transliterated, other accents stripped."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", value).lower().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = " ".join(text.split())
    return text or None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def splink_input(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns Splink is given (see the module docstring)."""
    first = frame["first_name"].map(fold)
    last = frame["last_name"].map(fold)
    concat = [f"{a} {b}" if a and b else None for a, b in zip(first, last, strict=True)]
    dob = frame["birth_date"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else None)
    phones = [
        sorted({p for p in pair if isinstance(p, str) and p}) or None
        for pair in zip(frame["phone"], frame["phone_alt"], strict=True)
    ]
    street_address = [
        f"{street} {fold(number) or ''}".strip() if street else None
        for street, number in zip(frame["street"].map(fold), frame["house_number"], strict=True)
    ]
    held = frame["identifiers"].explode().dropna().value_counts()
    common = set(held.index[held > IDENTIFIER_CAP])
    identifiers = [
        sorted(i for i in ids if i not in common) or None for ids in frame["identifiers"]
    ]
    return pd.DataFrame(
        {
            "unique_id": frame.index.to_numpy(dtype=np.int64),
            "first_name": first.to_numpy(dtype=object),
            "surname": last.to_numpy(dtype=object),
            "first_name_surname_concat": pd.Series(concat, dtype=object).to_numpy(),
            "dob": dob.to_numpy(dtype=object),
            "email": frame["email"].map(_text).to_numpy(dtype=object),
            "phones": pd.Series(phones, dtype=object).to_numpy(),
            "postcode": frame["postal_code"].map(_text).to_numpy(dtype=object),
            "street_address": pd.Series(street_address, dtype=object).to_numpy(),
            "identifiers": pd.Series(identifiers, dtype=object).to_numpy(),
        }
    )


def splink_settings(names: str = "forename_surname") -> Any:
    """Splink 5 settings for German person data (see the module docstring)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression, SettingsCreator, block_on

    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
            cll.ExactMatchLevel(ColumnExpression("postcode").substr(1, 3)).configure(
                label_for_charts="Same first 3 digits"
            ),
            cll.ExactMatchLevel(ColumnExpression("postcode").substr(1, 2)).configure(
                label_for_charts="Same Leitregion (first 2 digits)"
            ),
            cll.ElseLevel(),
        ],
    )
    name_comparisons: list[Any]
    if names == "forename_surname":
        name_comparisons = [
            cl.ForenameSurnameComparison(
                "first_name",
                "surname",
                forename_surname_concat_col_name="first_name_surname_concat",
            )
        ]
    else:
        name_comparisons = [cl.NameComparison("first_name"), cl.NameComparison("surname")]
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            *name_comparisons,
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.EmailComparison("email"),
            postcode,
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.JaroWinklerAtThresholds("street_address", [0.95, 0.88]),
            cl.ArrayIntersectAtSizes("identifiers", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("identifiers", arrays_to_explode=["identifiers"]),
            block_on("postcode", "surname"),
            block_on("dob", "first_name"),
            block_on("first_name", "surname"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def _splink_clusters(linker: Linker, predictions: Any, threshold: float) -> tuple[Any, Any]:
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    table = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").df()
    clustered.drop_table_from_database_and_remove_from_cache()
    return table["unique_id"].to_numpy(dtype=np.int64), table["cluster_id"].to_numpy()


@dataclass(frozen=True)
class SplinkOptions:
    threads: int
    spill_dir: Path  # DuckDB's temp_directory, should it spill
    u_max_pairs: float
    seed: int
    names: str  # "forename_surname" or "separate"


def run_splink(records_path: Path, options: SplinkOptions) -> Run:
    """Splink 5 with DuckDB: train, predict, cluster (runs in a spawned child)."""
    threads = options.threads
    _pin(threads)
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    frame = _load(records_path)
    before = _rss_mib()
    stages: dict[str, float] = {}
    cpu, started = _cpu_seconds(), time.perf_counter()
    lap_start = started

    def lap(stage: str) -> None:
        nonlocal lap_start
        now = time.perf_counter()
        stages[stage] = round(now - lap_start, 3)
        lap_start = now

    table = splink_input(frame)
    connection = duckdb.connect(
        ":memory:", config={"threads": threads, "temp_directory": str(options.spill_dir)}
    )
    db_api = DuckDBAPI(connection)
    records = db_api.register(table, dataset_display_name="records")
    linker = Linker(records, splink_settings(options.names), log_level=logging.ERROR)
    lap("prepare")
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "surname", "dob"),
            block_on("first_name", "surname", "email"),
            block_on("first_name", "surname", "postcode", "street_address"),
        ],
        recall=PRIOR_RECALL,
    )
    lap("prior")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=options.u_max_pairs, seed=options.seed
    )
    lap("u")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    lap("em")
    return predict_and_cluster(
        linker, (started, cpu, before), SPLINK_GRID, SPLINK_HEADLINE, lap=lap, stages=stages
    )


def predict_and_cluster(
    linker: Linker,
    start: tuple[float, float, float | None],
    grid: tuple[float, ...],
    headline: float,
    *,
    lap: Callable[[str], None] = lambda stage: None,
    stages: dict[str, float] | None = None,
) -> Run:
    """The end of a timed Splink run: count the candidates, predict down to the lowest
    `grid` threshold, cluster at `headline`, stop the clock, then cluster at the rest of
    the grid untimed. `start` = (perf_counter, CPU seconds, RSS MiB) when timing began."""
    started, cpu, before = start
    blocked = linker.inference.compute_blocked_pairs_for_predict()  # cached for predict
    # duckdb 2 relations have no fetchone(); fetchall() runs the count once.
    candidates = int(blocked.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])
    lap("blocking")
    predictions = linker.inference.predict(threshold_match_probability=min(grid))
    lap("predict")
    clusters = {headline: _splink_clusters(linker, predictions, headline)}
    lap("cluster")
    wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    peak = _peak_mib()
    for threshold in grid:  # untimed: the other thresholds
        if threshold not in clusters:
            clusters[threshold] = _splink_clusters(linker, predictions, threshold)
    prior = linker._settings_obj._probability_two_random_records_match
    return Run(
        wall=wall,
        cpu=cpu,
        candidates=candidates,
        peak_mib=peak,
        delta_mib=None if before is None else peak - before,
        clusters=clusters,
        stages=stages or {},
        notes=[f"Splink prior (probability two random records match) {prior:.3g}"],
    )


# ------------------------------------------------------------------------------ parent


def prepare(
    workdir: Path, people: int, days: int, seed: int, difficulty: str = "normal"
) -> tuple[Path, Path]:
    """The warehouse and truth in `workdir`, generated and consolidated unless present."""
    database, truth, landing = (
        workdir / "kundenstamm.db",
        workdir / "truth.csv",
        workdir / "landing",
    )
    if database.exists() and truth.exists():
        print(f"reusing {workdir} (its own people/days/seed/difficulty; the options do not apply)")
        return database, truth
    from pipelines.demo.generator import generate_landing
    from pipelines.flow import consolidate

    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not truth.exists():
        generate_landing(landing, truth, people=people, days=days, seed=seed, difficulty=difficulty)
    consolidate(
        landing=landing, warehouse_url=f"sqlite:///{database}", report_dir=workdir / "reports"
    )
    print(f"generated and consolidated {people} people, {days} days, seed {seed}, "
          f"difficulty {difficulty} "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return database, truth


def in_child(function: Callable[..., Run], *args: Any) -> Run:
    """Run `function` in a fresh spawned interpreter (its own memory and peak RSS)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def score(
    run: Run, threshold: float, keys: dict[int, tuple[str, str]], truth: dict[tuple[str, str], str]
) -> Any:
    from matching.evaluation import pairwise_metrics

    ids, labels = run.clusters[threshold]
    predicted = {keys[int(i)]: label for i, label in zip(ids, labels, strict=True)}
    return pairwise_metrics(predicted, truth)


def _revision() -> str:
    """The checkout's commit and whether matching/ has uncommitted changes (it is tuned often)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "matching"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown revision"
    return f"commit {head or '?'}" + (" + uncommitted changes in matching/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=25000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--difficulty", choices=("easy", "normal", "hard"), default="normal")
    parser.add_argument("--workdir", type=Path, default=None, help="reuse or keep this folder")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs; best wall kept")
    parser.add_argument("--u-max-pairs", type=float, default=1e7, help="Splink u sampling")
    parser.add_argument(
        "--splink-names",
        choices=["forename_surname", "separate"],
        default="forename_surname",
        help="ForenameSurnameComparison, or a NameComparison each for first name and surname",
    )
    args = parser.parse_args()
    try:
        import splink
    except ImportError:
        sys.exit("splink is not installed: .venv/bin/pip install -e '.[peers]'")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kundenstamm-splink-"))
    records_path = workdir / "splink_compare_records.pkl"
    try:
        database, truth_path = prepare(workdir, args.people, args.days, args.seed, args.difficulty)
        from pipelines.evaluate import read_truth
        from warehouse.engine import engine_for, session_factory
        from warehouse.publish import identity_frame

        with session_factory(engine_for(f"sqlite:///{database}"))() as session:
            frame = identity_frame(session)
        truth = read_truth(truth_path)
        keys = {
            int(i): (str(s), str(k))
            for i, s, k in zip(frame.index, frame["source"], frame["source_key"], strict=True)
        }
        with records_path.open("wb") as handle:
            pickle.dump(frame, handle, protocol=pickle.HIGHEST_PROTOCOL)
        print(
            f"{len(frame):,} records, {len(set(truth.values())):,} true persons, threads "
            f"{args.threads}, splink {splink.__version__}, python {sys.version.split()[0]}, "
            f"kundenstamm {_revision()}"
        )

        options = SplinkOptions(
            args.threads, workdir / "duckdb-spill", args.u_max_pairs, args.seed, args.splink_names
        )
        ours: list[Run] = []
        theirs: list[Run] = []
        for _ in range(args.repeat):
            ours.append(in_child(run_kundenstamm, records_path, args.threads))
            theirs.append(in_child(run_splink, records_path, options))
        report(ours, theirs, keys, truth)
    finally:
        records_path.unlink(missing_ok=True)
        shutil.rmtree(workdir / "duckdb-spill", ignore_errors=True)
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def report(
    ours: list[Run],
    theirs: list[Run],
    keys: dict[int, tuple[str, str]],
    truth: dict[tuple[str, str], str],
) -> None:
    k = min(ours, key=lambda r: r.wall)
    s = min(theirs, key=lambda r: r.wall)
    k_peak, s_peak = max(r.peak_mib for r in ours), max(r.peak_mib for r in theirs)
    grid = {t: score(s, t, keys, truth) for t in SPLINK_GRID}
    best = max(grid, key=lambda t: grid[t].f1)
    (link_threshold,) = k.clusters
    rows = [
        (f"kundenstamm (link {link_threshold:g})", k, k_peak, score(k, link_threshold, keys, truth))
    ]
    rows += [(f"splink 5 @ {t:g}", s, s_peak, grid[t]) for t in SPLINK_REPORTED]
    rows.append((f"splink 5 @ {best:g} (best F1)", s, s_peak, grid[best]))

    header = (
        f"{'matcher':<28} {'wall s':>7} {'CPU s':>7} {'cand. pairs':>12} {'peak MiB':>9} "
        f"{'Δ MiB':>6} {'precision':>9} {'recall':>7} {'F1':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for name, run, peak, m in rows:
        delta = f"{run.delta_mib:6.0f}" if run.delta_mib is not None else f"{'n/a':>6}"
        print(f"{name:<28} {run.wall:7.1f} {run.cpu:7.1f} {run.candidates:12,} {peak:9.0f} "
              f"{delta} {m.precision:9.4f} {m.recall:7.4f} {m.f1:7.4f}")  # fmt: skip
    print()
    print(
        f"speed ratio Splink / kundenstamm: wall {s.wall / k.wall:.2f}x, "
        f"CPU {s.cpu / k.cpu:.2f}x (fastest of {len(ours)} alternating run(s) each)"
    )
    if len(ours) > 1:
        print(f"  all walls: kundenstamm {[round(r.wall, 1) for r in ours]}, "
              f"splink {[round(r.wall, 1) for r in theirs]}")  # fmt: skip
    print(f"  load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print(f"  kundenstamm stages: {k.stages}")
    print(f"  splink stages:      {s.stages} (other thresholds clustered untimed)")
    for note in s.notes:
        print(f"  {note}")
    print("  splink F1 by threshold: "
          + ", ".join(f"{t:g}: {grid[t].f1:.4f}" for t in SPLINK_GRID))  # fmt: skip


if __name__ == "__main__":
    main()
