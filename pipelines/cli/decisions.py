"""Commands that change who is who: merge, unmerge and the review queue."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from pipelines.cli.common import (
    JsonOption,
    ReasonOption,
    WaitOption,
    WarehouseOption,
    app,
    console,
    review_app,
)
from pipelines.settings import resolve_warehouse
from schemas.errors import KundenstammError
from warehouse.publish import PublishSummary


def _record_key(value: str) -> tuple[str, str]:
    source, sep, key = value.partition(":")
    if not sep or not source or not key:
        raise KundenstammError(f"--record {value!r}: expected SOURCE:KEY, e.g. shop_customer:1042")
    return source, key


def _report(what: str, summary: PublishSummary) -> None:
    console.print(
        f"{what}; re-published {summary.customers} customers "
        f"({summary.created} created, {summary.merged} merged, {summary.split} split)"
    )


@app.command()
def merge(
    customer_id: Annotated[str, typer.Argument(help="A customer, e.g. KS00000042.")],
    other_id: Annotated[str, typer.Argument(help="The customer that is the same person.")],
    reason: ReasonOption = None,
    warehouse: WarehouseOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """Decide that two customers are one person; every later run keeps them together.

    The ID carried by more source records survives (the older on a tie); the other is
    retired and points to it (`identity_event` records the merge).
    """
    from pipelines.decide import apply_decision
    from warehouse.decisions import merge_customers

    summary = apply_decision(
        resolve_warehouse(warehouse),
        f"merge {customer_id} {other_id}",
        lambda session: merge_customers(session, customer_id, other_id, reason),
        wait_seconds=wait,
    )
    _report(f"merged {customer_id} and {other_id}", summary)


@app.command()
def unmerge(
    customer_id: Annotated[str, typer.Argument(help="The customer the record wrongly joined.")],
    record: Annotated[
        str, typer.Option("--record", help="The source record to take out, as SOURCE:KEY.")
    ],
    reason: ReasonOption = None,
    warehouse: WarehouseOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """Decide that a source record is not this customer; every later run keeps them apart."""
    from pipelines.decide import apply_decision
    from warehouse.decisions import unmerge_record

    source, key = _record_key(record)
    summary = apply_decision(
        resolve_warehouse(warehouse),
        f"unmerge {customer_id} {record}",
        lambda session: unmerge_record(session, customer_id, source, key, reason),
        wait_seconds=wait,
    )
    _report(f"took {record} out of {customer_id}", summary)


@review_app.command("list")
def review_list(
    warehouse: WarehouseOption = None,
    limit: Annotated[
        int, typer.Option(min=1, help="How many items, highest score first (both-hold last).")
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Pending review items: per pair of customers, the strongest record pair scored
    between the thresholds, with its evidence. Items whose customers both hold a one-person
    value of one kind (`both hold`: two emails, two addresses) are mostly two people and
    come last."""
    from warehouse.engine import engine_for, session_factory
    from warehouse.queries import pending_reviews

    with session_factory(engine_for(resolve_warehouse(warehouse)))() as session:
        items = pending_reviews(session, limit)
    if as_json:
        console.print_json(json.dumps(items, default=str))
        return
    table = Table(
        "id", "score", "left", "right", "left customer", "right customer", "pairs", "both hold"
    )
    for item in items:
        table.add_row(
            str(item["id"]),
            f"{item['score']:.3f}",
            item["left"],
            item["right"],
            item["left_customer"] or "",
            item["right_customer"] or "",
            str(item["pairs"]),
            ", ".join(item["apart"]),
        )
    console.print(table)
    console.print(
        f"{len(items)} pending item(s) shown, one per pair of customers (pairs: the record "
        "pairs between them; one verdict settles them all; both hold: kinds of one-person "
        "value each customer has, mostly two people)"
    )


def _decide(
    review_id: int, accept: bool, reason: str | None, warehouse: str | None, wait: float
) -> None:
    from pipelines.decide import apply_decision
    from warehouse.decisions import decide_review

    verdict = "accept" if accept else "reject"
    summary = apply_decision(
        resolve_warehouse(warehouse),
        f"review {verdict} {review_id}",
        lambda session: decide_review(session, review_id, accept=accept, reason=reason),
        wait_seconds=wait,
    )
    _report(f"review item {review_id}: {verdict}ed", summary)


@review_app.command("accept")
def review_accept(
    review_id: Annotated[int, typer.Argument(help="The review item (see `review list`).")],
    reason: ReasonOption = None,
    warehouse: WarehouseOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """The pair is one person: link it now and in every later run."""
    _decide(review_id, True, reason, warehouse, wait)


@review_app.command("reject")
def review_reject(
    review_id: Annotated[int, typer.Argument(help="The review item (see `review list`).")],
    reason: ReasonOption = None,
    warehouse: WarehouseOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """The pair are two people: never link them."""
    _decide(review_id, False, reason, warehouse, wait)
