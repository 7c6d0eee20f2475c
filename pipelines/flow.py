"""The `consolidate` Prefect flow: extract -> validate -> stage -> match -> golden records."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from connectors.base import LandingFile
from connectors.generic_config import SQL_FILE_KIND, GenericSource
from connectors.landing import discover
from matching.features import feature_fingerprint
from matching.settings import MatchSettings
from pipelines.chart_worker import shared_worker
from pipelines.collector import fewer_collections
from pipelines.config import ProjectConfig, load_config
from pipelines.heartbeats import end_heartbeats_promptly
from pipelines.match import match_and_publish
from pipelines.quality import (
    StagedReport,
    begin_staged_report,
    quality_markdown,
    staged_report,
    write_quality_report,
)
from pipelines.runners import dask_chunk_mapper
from pipelines.selection import DeliverySelection
from pipelines.settings import resolve_landing, resolve_report_dir, resolve_warehouse
from pipelines.sql_sources import failed_pull, pull_day, pull_source
from pipelines.stage import (
    DeliveryRefused,
    ParsedDelivery,
    StageOutcome,
    needs_loading,
    parse_delivery,
    reject_delivery,
    stage_delivery,
)
from schemas.errors import KundenstammError
from warehouse.checkpoints import checkpoints_aside
from warehouse.engine import engine_for, session_factory
from warehouse.feature_store import ReadAhead
from warehouse.lock import writer_lock
from warehouse.publish import PublishSummary
from warehouse.queries import pending_review_count, warehouse_totals
from warehouse.runs import finish_run, start_run
from warehouse.staging import FileCounts

end_heartbeats_promptly()  # a run ends when it is done, not up to a second later


@task(retries=3, retry_delay_seconds=[2, 5, 15], cache_policy=NO_CACHE)
def discover_deliveries(
    landing: Path, selection: DeliverySelection, generic: tuple[GenericSource, ...] = ()
) -> tuple[list[LandingFile], list[str]]:
    """The selected deliveries in export-day order, and the names nobody recognises."""
    found = discover(landing, generic)
    return [f for f in found.files if selection.wants(f)], [p.name for p in found.unrecognized]


@task(cache_policy=NO_CACHE)
def begin_run(warehouse_url: str, landing: Path) -> int:
    with session_factory(engine_for(warehouse_url)).begin() as session:
        return start_run(session, str(landing))


@task(cache_policy=NO_CACHE)
def stage_file(
    warehouse_url: str,
    run_id: int,
    landing: Path,
    file: LandingFile,
    reprocess: bool,
    parsed: ParsedDelivery | None = None,
) -> StageOutcome:
    """One delivery in one transaction: a crash leaves the whole file staged or none of it.
    The commit (the database writing the file's rows out) is booked under `stage`."""
    sessions = session_factory(engine_for(warehouse_url))
    try:
        with sessions.begin() as session:
            outcome = stage_delivery(
                session, run_id, landing, file, reprocess=reprocess, parsed=parsed
            )
            committing = time.perf_counter()
        if outcome.seconds:
            outcome.seconds["stage"] += time.perf_counter() - committing
        return outcome
    except DeliveryRefused as refused:  # its staging was rolled back with the transaction
        with sessions.begin() as session:
            return reject_delivery(session, run_id, refused)


@task(cache_policy=NO_CACHE)
def deliveries_to_read(
    warehouse_url: str, landing: Path, files: list[LandingFile], reprocess: bool
) -> list[bool]:
    """Which deliveries are new (or to be re-read), in one task: only those are staged
    (a daily run brings a dozen new deliveries among many known ones)."""
    with session_factory(engine_for(warehouse_url)).begin() as session:  # keeps new stamps
        return [needs_loading(session, landing, f, reprocess=reprocess) for f in files]


@task(retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def read_and_validate(file: LandingFile) -> ParsedDelivery:
    """Read and validate one delivery on a worker; no database access."""
    return parse_delivery(file)


def stage_all(
    warehouse_url: str,
    run_id: int,
    landing: Path,
    files: list[LandingFile],
    wanted: list[bool],
    reprocess: bool,
    parallel_reads: bool,
) -> list[StageOutcome]:
    """Stage the `wanted` deliveries (`deliveries_to_read`) in export-day order (a record's
    versions must arrive in order); the others are reported unchanged without a task.

    With `parallel_reads` the reading and validation of all new deliveries is submitted to
    the task runner at once (Dask workers) and only the loading stays sequential.
    """
    futures = (
        {i: read_and_validate.submit(f) for i, f in enumerate(files) if wanted[i]}
        if parallel_reads
        else {}
    )
    return [
        stage_file(
            warehouse_url,
            run_id,
            landing,
            f,
            reprocess,
            futures.pop(i).result() if i in futures else None,
        )
        if wanted[i]
        else StageOutcome(
            f.path.relative_to(landing).as_posix(), f.record_kind, "unchanged", FileCounts()
        )
        for i, f in enumerate(files)
    ]


@task(retries=2, retry_delay_seconds=[5, 30], cache_policy=NO_CACHE)
def pull_sql_source(warehouse_url: str, run_id: int, source: GenericSource) -> StageOutcome:
    """A generic SQL source's new rows as one delivery, committed with its new cursor."""
    sessions = session_factory(engine_for(warehouse_url))
    return pull_source(sessions, run_id, source, today=pull_day())


def pull_sql_sources(
    warehouse_url: str, run_id: int, config: ProjectConfig, selection: DeliverySelection
) -> list[StageOutcome]:
    """Pull the selected SQL sources after the files; one whose database keeps failing is
    reported as rejected and the run goes on, as with a broken file."""
    outcomes = []
    for source in config.generic_sources:
        if source.format != "sql" or not selection.wants_kind(
            source.name, SQL_FILE_KIND, pull_day()
        ):
            continue
        state = pull_sql_source(warehouse_url, run_id, source, return_state=True)
        result = state.result(raise_on_failure=False)
        outcomes.append(result if isinstance(result, StageOutcome) else failed_pull(source, result))
    return outcomes


@task(cache_policy=NO_CACHE)
def match_and_build_golden(
    warehouse_url: str,
    run_id: int,
    config: ProjectConfig,
    full_rematch: bool,
    parallel: bool,
    ahead: ReadAhead | None = None,
) -> tuple[PublishSummary, dict[str, int]]:
    """Match and publish in one transaction: readers see the old partition or the new one.

    With `parallel` the candidate pairs are compared in partitions on the Dask cluster of
    the flow's task runner. `ahead`: the stored features, read while the run staged.
    """
    with session_factory(engine_for(warehouse_url)).begin() as session:
        published, per_rule = match_and_publish(
            session,
            run_id,
            config.match_settings(),
            config.survivorship,
            rebuild_golden=full_rematch,
            map_chunks=dask_chunk_mapper() if parallel else None,
            ahead=ahead,
        )
        committing = time.perf_counter()
    timings = dict(published.timings)
    timings["load"] = round(timings.get("load", 0.0) + time.perf_counter() - committing, 3)
    return replace(published, timings=timings), per_rule


@task(cache_policy=NO_CACHE)
def unchanged_partition(warehouse_url: str) -> PublishSummary:
    """The published state when a run brought nothing new to match."""
    with session_factory(engine_for(warehouse_url))() as session:
        totals = warehouse_totals(session)
        pending = pending_review_count(session)
    return PublishSummary(totals["customers"], 0, 0, 0, 0, pending, matching="none")


@task(cache_policy=NO_CACHE)
def close_run(
    warehouse_url: str, run_id: int, status: str, summary: dict[str, Any], error: str | None
) -> None:
    with session_factory(engine_for(warehouse_url)).begin() as session:
        finish_run(session, run_id, status=status, counts=summary, error=error)


def summarize(
    outcomes: list[StageOutcome],
    unrecognized: list[str],
    published: PublishSummary,
    pairs_per_rule: dict[str, int],
    totals: dict[str, int],
) -> dict[str, Any]:
    """The run's report: rows accounted per source, files, customers and identity changes."""
    rows = FileCounts()
    per_source: dict[str, FileCounts] = {}
    for outcome in outcomes:
        rows.add(outcome.counts)
        per_source.setdefault(outcome.record_kind, FileCounts()).add(outcome.counts)
    files = Counter(outcome.status for outcome in outcomes)
    return {
        "files": {
            "loaded": files["loaded"],
            "unchanged": files["unchanged"],
            "rejected": files["rejected"],
            "unrecognized": len(unrecognized),
        },
        "rejected_files": {o.path: o.reason for o in outcomes if o.status == "rejected"},
        "deliveries": [
            {"path": o.path, "status": o.status, "reason": o.reason, **o.counts.as_dict()}
            for o in outcomes
        ],
        "unrecognized_files": unrecognized,
        "rows": rows.as_dict(),
        "skip_reasons": dict(rows.skip_reasons),
        "per_source": {kind: counts.as_dict() for kind, counts in sorted(per_source.items())},
        "customers": published.customers,
        "customers_created": published.created,
        "customers_merged": published.merged,
        "customers_split": published.split,
        "links_changed": published.links_changed,
        "reviews_pending": published.reviews_pending,
        "matching": {"mode": published.matching, "records_reclustered": published.relinked},
        "pairs_per_rule": pairs_per_rule,
        "timings": _stage_seconds(outcomes, published),
        "warehouse": totals,
    }


@task(cache_policy=NO_CACHE)
def publish_quality_report(
    warehouse_url: str,
    run_id: int,
    report_dir: Path,
    settings: MatchSettings,
    staged: StagedReport | None = None,
) -> Path:
    """The run's data-quality report as an HTML file and a markdown artifact (`staged`:
    the staging figures and their charts, read and drawn while the run matched)."""
    out = report_dir / f"quality-run-{run_id:06d}.html"
    figures = write_quality_report(warehouse_url, out, settings, staged)
    create_markdown_artifact(
        key="consolidate-quality",
        markdown=quality_markdown(figures) + f"\nFull report: `{out}`\n",
        description=f"Data quality after run {run_id}",
    )
    return out


def _stage_seconds(outcomes: list[StageOutcome], published: PublishSummary) -> dict[str, float]:
    """Seconds per stage: read / validate / stage summed over deliveries, then matching's."""
    seconds: Counter[str] = Counter()
    for outcome in outcomes:
        seconds.update(outcome.seconds)
    seconds.update(published.timings)
    return {stage: round(value, 3) for stage, value in seconds.items()}


@flow(name="consolidate")
def consolidate(
    landing: Path | None = None,
    warehouse_url: str | None = None,
    wait_seconds: float = 0.0,
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    reprocess: bool = False,
    report_dir: Path | None = None,
    parallel_reads: bool = False,
    full_rematch: bool = False,
) -> dict[str, Any]:
    """Consolidate the landing folder's deliveries into the warehouse; returns the run report.

    Matching overrides, survivorship rules and generic sources come from the config file
    (`kundenstamm.toml` or KUNDENSTAMM_CONFIG); generic SQL sources are pulled after the
    files, one delivery per source and run. Unset `landing` / `warehouse_url` come from
    KUNDENSTAMM_LANDING / KUNDENSTAMM_WAREHOUSE_URL, then the defaults (./landing,
    sqlite:///kundenstamm.db), so a deployment is configured by env. `sources` (record or
    file kinds, generic source names) and `since` / `until` (export days, inclusive; a SQL
    pull's is the day it runs) select deliveries; `reprocess` reads selected deliveries again
    even if they were loaded before (a backfill): unchanged rows count as duplicates, so a
    backfill is idempotent. The data-quality report goes to `report_dir`
    (KUNDENSTAMM_REPORT_DIR, default ./reports). `parallel_reads` reads and validates
    deliveries in parallel on the task runner (Dask). Matching runs when records were added
    or changed, or always with `full_rematch` (after changing match settings or rules).
    """
    logger = get_run_logger()
    landing = resolve_landing(landing)
    warehouse_url = resolve_warehouse(warehouse_url)
    config = load_config()
    nicknames = config.match_settings().nickname_files
    generic_names = tuple(source.name for source in config.generic_sources)
    selection = DeliverySelection.checked(sources, since, until, generic_names)
    started = time.monotonic()
    if not landing.is_dir():
        raise KundenstammError(f"landing folder {landing} does not exist or is not a folder")
    engine = engine_for(warehouse_url)
    shared_worker(warehouse_url)  # started now, it has imported matplotlib when it is needed
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staging-figures")
    staged: Future[StagedReport] | None = None
    # Checkpoints on their own thread until the report is written: the last one overlaps it.
    # The batch collector thresholds hold for the report too (its charts allocate much).
    with checkpoints_aside(engine), fewer_collections():
        with writer_lock(engine, wait_seconds=wait_seconds), background:
            run_id = begin_run(warehouse_url, landing)
            # What an incremental match reads first, read while the deliveries are staged.
            ahead = ReadAhead(session_factory(engine), feature_fingerprint(nicknames))
            try:
                discovering = time.monotonic()
                files, unrecognized = discover_deliveries(
                    landing, selection, config.generic_sources
                )
                wanted = deliveries_to_read(warehouse_url, landing, files, reprocess)
                discovered = time.monotonic() - discovering  # new deliveries hashed here
                outcomes = stage_all(
                    warehouse_url, run_id, landing, files, wanted, reprocess, parallel_reads
                )
                outcomes += pull_sql_sources(warehouse_url, run_id, config, selection)
                changed = sum(o.counts.inserted + o.counts.updated for o in outcomes)
                # The report's staging figures scan every record: read them (and draw
                # their charts) while matching, in the chart worker or on a thread.
                staged = begin_staged_report(warehouse_url, background)
                if changed or full_rematch:
                    published, pairs_per_rule = match_and_build_golden(
                        warehouse_url, run_id, config, full_rematch, parallel_reads, ahead
                    )
                else:  # nothing new: the partition and the golden records stand as they are
                    ahead.discard()
                    published, pairs_per_rule = unchanged_partition(warehouse_url), {}
                with session_factory(engine)() as session:
                    totals = warehouse_totals(session)
                summary = summarize(outcomes, unrecognized, published, pairs_per_rule, totals)
                summary["timings"]["discover"] = round(discovered, 3)
                summary["run_id"] = run_id
                summary["seconds"] = round(time.monotonic() - started, 2)
            except Exception as exc:
                ahead.discard()
                close_run(warehouse_url, run_id, "failed", {}, f"{type(exc).__name__}: {exc}")
                raise
            close_run(warehouse_url, run_id, "succeeded", summary, None)
        logger.info(
            "run %s: %s rows read, %s loaded, %s quarantined, %s duplicates, %s skipped; "
            "%s customers",
            run_id,
            summary["rows"]["read"],
            summary["rows"]["loaded"],
            summary["rows"]["quarantined"],
            summary["rows"]["duplicate"],
            summary["rows"]["skipped"],
            summary["customers"],
        )
        reporting = time.monotonic()
        summary["report"] = str(
            publish_quality_report(
                warehouse_url,
                run_id,
                resolve_report_dir(report_dir),
                config.match_settings(),
                staged_report(staged, warehouse_url) if staged is not None else None,
            )
        )
        summary["timings"]["report"] = round(time.monotonic() - reporting, 3)
        create_table_artifact(
            key="consolidate-rows",
            table=[{"source": kind, **counts} for kind, counts in summary["per_source"].items()],
            description=(
                f"Rows per source of run {run_id}: read = loaded + quarantined + duplicate "
                "+ skipped + suppressed"
            ),
        )
        create_table_artifact(
            key="consolidate-customers",
            table=[
                {
                    "customers": summary["customers"],
                    "created": summary["customers_created"],
                    "merged": summary["customers_merged"],
                    "split": summary["customers_split"],
                    "links_changed": summary["links_changed"],
                    "review_items": summary["reviews_pending"],
                }
            ],
            description=f"Customers after run {run_id} and the identity changes it made",
        )
    return summary
