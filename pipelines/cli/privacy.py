"""Data-protection commands: erasure (GDPR Art. 17) and access requests (Art. 15)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import WaitOption, WarehouseOption, app, console
from pipelines.settings import resolve_warehouse
from schemas.errors import KundenstammError


def _one_customer(warehouse_url: str, email: str | None, phone: str | None) -> str:
    from schemas.phone import normalize_phone
    from warehouse.engine import engine_for, session_factory
    from warehouse.privacy import customers_by_contact

    try:
        e164 = normalize_phone(phone) if phone else None
    except ValueError as exc:
        raise KundenstammError(f"--phone: {exc}") from None
    with session_factory(engine_for(warehouse_url))() as session:
        found = customers_by_contact(session, email=email, phone=e164)
    if not found:
        raise KundenstammError("no customer carries that email or phone")
    if len(found) > 1:
        raise KundenstammError(
            f"{len(found)} customers carry that email or phone ({', '.join(found)}); "
            "name the customer ID"
        )
    return found[0]


@app.command()
def forget(
    customer_id: Annotated[
        str | None, typer.Argument(help="The customer to erase (or use --email / --phone).")
    ] = None,
    request: Annotated[
        str, typer.Option("--request", help="Reference of the erasure request, kept on record.")
    ] = "",
    email: Annotated[str | None, typer.Option(help="Find the customer by email.")] = None,
    phone: Annotated[str | None, typer.Option(help="Find the customer by phone.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    warehouse: WarehouseOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """Erase a person's personal data everywhere in the warehouse (GDPR Art. 17).

    Keeps only salted hashes of the person's record keys and emails, so a re-delivered
    old export is counted as suppressed and never loaded again.
    """
    from pipelines.decide import writer_run
    from warehouse.engine import engine_for
    from warehouse.privacy import compact_after_erasure, forget_customer

    url = resolve_warehouse(warehouse)
    if not request.strip():
        raise KundenstammError("--request is required: the reference of the erasure request")
    if customer_id is None:
        customer_id = _one_customer(url, email, phone)
    if not yes:
        typer.confirm(
            f"Erase customer {customer_id} and all their data? This cannot be undone.",
            abort=True,
        )
    with writer_run(url, f"erasure: {request}", wait_seconds=wait) as (session, run_id, counts):
        report = forget_customer(session, run_id, customer_id, request)
        counts.update(
            source_records=report.source_records,
            quarantine_rows=report.quarantine_rows,
            suppression_entries=report.suppression_entries,
        )
    compact_after_erasure(engine_for(url))
    console.print(
        f"erased {report.customer_id} ({', '.join(report.customer_ids)}): "
        f"{report.source_records} source records, {report.quarantine_rows} quarantine rows; "
        f"{report.suppression_entries} suppression entries keep it erased"
    )


@app.command("export-person")
def export_person(
    customer_id: Annotated[str, typer.Argument(help="The customer; retired IDs are followed.")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    warehouse: WarehouseOption = None,
) -> None:
    """Everything held about a person as one JSON document (GDPR Art. 15 access request).

    The document follows docs/export-person.schema.json.
    """
    from warehouse.dossier import customer_dossier
    from warehouse.engine import engine_for, session_factory

    with session_factory(engine_for(resolve_warehouse(warehouse)))() as session:
        document = customer_dossier(session, customer_id, raw=True)
    document["$schema"] = "https://kundenstamm.example/schemas/export-person.schema.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(
        f"wrote {out}: customer {document['customer_id']}, {len(document['records'])} "
        f"source records, {len(document['touchpoints'])} touchpoints"
    )


retention_app = typer.Typer(
    help="Apply the retention limits of the config file.", no_args_is_help=True
)
app.add_typer(retention_app, name="retention")


@retention_app.command("apply")
def retention_apply(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
    warehouse: WarehouseOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """Remove quarantine payloads and past record versions older than the retention limits.

    Limits come from `[retention]` in the config file (quarantine_raw_days,
    superseded_versions_days); the defaults are 180 and 730 days.
    """
    from pipelines.config import load_config
    from pipelines.decide import writer_run
    from warehouse.retention import apply_retention

    policy = load_config().retention
    with writer_run(resolve_warehouse(warehouse), "retention", wait_seconds=wait) as (
        session,
        _,
        counts,
    ):
        result = apply_retention(
            session,
            quarantine_raw_days=policy.quarantine_raw_days,
            superseded_versions_days=policy.superseded_versions_days,
            dry_run=dry_run,
        )
        counts.update(
            quarantine_rows_expired=result.quarantine_rows_expired,
            versions_deleted=result.versions_deleted,
            dry_run=dry_run,
        )
    verb = "would expire" if dry_run else "expired"
    console.print(
        f"{verb} {result.quarantine_rows_expired} quarantine payloads and "
        f"{result.versions_deleted} past record versions"
    )
