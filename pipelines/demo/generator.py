"""Orchestration: persons, then each export day's deliveries of every source, and the truth.

Every source draws from its own `random.Random` stream derived from the seed, so the same
arguments give byte-identical files, and changing one source's rates leaves the others'
files as they were. Rows are streamed to their files day by day; only the persons and the
per-source registries (accounts, users, members) stay in memory.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from pathlib import Path

from pipelines.demo.corrupt import DIFFICULTIES
from pipelines.demo.formats import ExportDay
from pipelines.demo.ledger import GenerationSummary, Ledger
from pipelines.demo.people import synthesize_people
from pipelines.demo.writers.coupons import Coupons
from pipelines.demo.writers.helpdesk import Helpdesk
from pipelines.demo.writers.hotline import Hotline
from pipelines.demo.writers.newsletter import Newsletter
from pipelines.demo.writers.pos import Pos
from pipelines.demo.writers.postcards import Postcards
from pipelines.demo.writers.shop_customers import ShopCustomers
from pipelines.demo.writers.shop_orders import ShopOrders
from schemas.errors import ConfigError

log = logging.getLogger(__name__)

START = date(2024, 5, 1)  # first export day; fixed so that no run depends on the clock


def generate_landing(
    out_dir: Path,
    truth_path: Path,
    *,
    people: int,
    days: int,
    seed: int,
    difficulty: str = "normal",
    last_day_volume: float = 1.0,
) -> GenerationSummary:
    """Write a landing folder of `days` daily deliveries of all sources (SOURCES.md §8)
    for `people` persons, and the ground truth `source,source_key,person_id` of every
    identity-bearing valid record to `truth_path`. `difficulty` (`corrupt.DIFFICULTIES`:
    easy, normal, hard) sets how many errors and hard cases the data holds.
    `last_day_volume` scales the last day's orders, receipts, calls, cards and sign-ups
    (an incremental benchmark wants a small day after a full load)."""
    problems = [f"{name} must be at least 1, got {value}" for name, value in
                (("people", people), ("days", days)) if value < 1]  # fmt: skip
    if not 0 <= last_day_volume <= 1:
        problems.append(f"last_day_volume must be between 0 and 1, got {last_day_volume}")
    if difficulty not in DIFFICULTIES:
        problems.append(f"difficulty must be one of {list(DIFFICULTIES)}, got {difficulty!r}")
    if out_dir.exists() and any(out_dir.iterdir()):
        problems.append(f"landing folder {out_dir} is not empty")
    if problems:
        raise ConfigError(problems)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_path.parent.mkdir(parents=True, exist_ok=True)

    odds = DIFFICULTIES[difficulty]
    persons = synthesize_people(people, random.Random(f"{seed}:people"), START, days, odds)
    coupons = Coupons(persons, seed, odds)
    customers = ShopCustomers(persons, random.Random(f"{seed}:accounts"), days, seed, odds)
    orders = ShopOrders(customers, coupons, seed, odds)
    helpdesk = Helpdesk(persons, START, days, seed, odds)
    hotline = Hotline(persons, helpdesk.callers, seed, odds)
    newsletter = Newsletter(persons, START, seed, odds)
    pos = Pos(persons, coupons, seed, odds)
    postcards = Postcards(persons, coupons, seed, odds)

    with truth_path.open("w", encoding="utf-8", newline="") as truth:
        ledger = Ledger(truth)
        for index in range(days):
            day = ExportDay(index, START + timedelta(days=index), index == days - 1)
            volume = round(people * last_day_volume) if day.last else people
            postcards.write_day(out_dir, day, volume, ledger)
            with coupons.day(out_dir, day, ledger) as redemptions:
                orders.write_day(out_dir, day, volume, ledger, redemptions)
                pos.write_day(out_dir, day, volume, ledger, redemptions)
            customers.write_snapshot(out_dir, day, ledger)  # after the day's orders
            if index == 0:
                customers.write_shopware(out_dir, day, ledger)
            helpdesk.write_day(out_dir, day, ledger)
            hotline.write_day(out_dir, day, volume, ledger)
            newsletter.write_day(out_dir, day, volume, ledger)
    summary = ledger.summary(len(persons), persons[-1].household.hid, days)
    log.info(
        "generated %s rows (%s with identity, %s invalid) for %s persons over %s days",
        summary.total_rows,
        summary.total_identity_rows,
        summary.total_invalid_rows,
        summary.persons,
        days,
    )
    return summary
