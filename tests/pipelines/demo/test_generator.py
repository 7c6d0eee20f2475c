"""The generator's contract: reproducible bytes, every §8 delivery, an exact truth file."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from connectors.base import BUILTIN_FILE_KINDS
from pipelines.demo import START, generate_landing
from schemas.errors import ConfigError
from tests.conftest import SAMPLES
from tests.pipelines.demo.conftest import DAYS, Demo
from tests.pipelines.demo.helpers import files, keys_in, members, read_truth

REPO = Path(__file__).resolve().parents[3]


def _digest(landing: Path, truth: Path) -> str:
    hashed = hashlib.sha256(truth.read_bytes())
    for name, data in files(landing).items():
        hashed.update(name.encode() + b"\0" + data)
    return hashed.hexdigest()


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    runs = []
    for run in ("a", "b"):
        landing, truth = tmp_path / run / "landing", tmp_path / run / "truth.csv"
        generate_landing(landing, truth, people=300, days=3, seed=5)
        runs.append((files(landing), truth.read_bytes()))
    assert runs[0] == runs[1]
    other = tmp_path / "c"
    generate_landing(other / "landing", other / "truth.csv", people=300, days=3, seed=6)
    assert files(other / "landing") != runs[0][0]  # the seed matters


def test_bytes_do_not_depend_on_the_process(tmp_path: Path) -> None:
    """Another interpreter with another string-hash seed writes the same files: nothing
    depends on set order, ids of objects or the clock."""
    script = (
        "import sys; from pathlib import Path; from pipelines.demo import generate_landing; "
        "root = Path(sys.argv[1]); "
        "generate_landing(root / 'landing', root / 'truth.csv', people=200, days=2, seed=9)"
    )
    digests = []
    for hash_seed in ("1", "2"):
        root = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(root)], check=True, env=env, cwd=REPO)
        digests.append(_digest(root / "landing", root / "truth.csv"))
    assert digests[0] == digests[1]


def test_every_file_kind_of_section_8_is_delivered(demo: Demo) -> None:
    assert set(demo.summary.files) == set(BUILTIN_FILE_KINDS)
    names = {p.name: p for p in demo.landing.iterdir()}
    days = [(START + timedelta(days=i)).isoformat() for i in range(DAYS)]
    for day in days:
        for kind in ("shop_customers", "shop_orders", "hotline_calls", "coupon_redemptions",
                     "promo_postcards"):  # fmt: skip
            assert f"{kind}_{day}.csv" in names
        assert f"helpdesk_users_{day}.ndjson" in names
        folders = [p for n, p in names.items() if n.startswith(f"pos_dsfinvk_KASSE-01_{day}_Z")]
        assert len(folders) == 1 and folders[0].is_dir()
        zips = [n for n in names if n.startswith(f"pos_dsfinvk_KASSE-02_{day}_Z")]
        assert len(zips) == 1 and zips[0].endswith(".zip")
    assert f"newsletter_export_{days[-1]}.zip" in names
    for day in days[:-1]:  # flat lists on the other days
        for status in ("subscribed", "unsubscribed", "cleaned"):
            assert f"newsletter_{status}_{day}.csv" in names
    assert f"shopware_customers_{days[0]}.csv" in names


def _header(data: bytes, encoding: str = "utf-8", delimiter: str = ",") -> list[str]:
    return next(csv.reader([data.decode(encoding).splitlines()[0]], delimiter=delimiter))


@pytest.mark.parametrize(
    ("prefix", "sample", "encoding", "delimiter"),
    [
        ("shop_customers_", "shop_customers_2024-05-01.csv", "utf-8", ","),
        ("shopware_customers_", "shopware_customers_2024-05-01.csv", "utf-8", ";"),
        ("shop_orders_", "shop_orders_2024-05-01.csv", "utf-8", ","),
        ("newsletter_subscribed_", "newsletter_subscribed_2024-05-01.csv", "utf-8", ","),
        ("newsletter_unsubscribed_", "newsletter_unsubscribed_2024-05-01.csv", "utf-8", ","),
        ("newsletter_cleaned_", "newsletter_cleaned_2024-05-01.csv", "utf-8", ","),
        ("coupon_redemptions_", "coupon_redemptions_2024-05-01.csv", "utf-8", ","),
        ("promo_postcards_", "promo_postcards_2024-05-06.csv", "cp1252", ";"),
    ],
)
def test_headers_are_the_reference_headers(
    demo: Demo, prefix: str, sample: str, encoding: str, delimiter: str
) -> None:
    ours = next(p for p in sorted(demo.landing.iterdir()) if p.name.startswith(prefix))
    expected = _header((SAMPLES / sample).read_bytes(), encoding, delimiter)
    assert _header(ours.read_bytes(), encoding, delimiter) == expected


def test_dsfinvk_and_zendesk_and_3cx_shapes(demo: Demo) -> None:
    sample_pos = SAMPLES / "pos_dsfinvk_KASSE-01_2024-05-01_Z0412"
    for name in sorted(p.name for p in demo.landing.iterdir() if p.name.startswith("pos_")):
        parts = members(demo.landing, name)
        encoding = "cp1252" if b"<ANSI/>" in parts["index.xml"] else "utf-8"
        for table in ("transactions.csv", "lines.csv", "datapayment.csv"):
            expected = _header((sample_pos / table).read_bytes(), "utf-8", ";")
            assert _header(parts[table], encoding, ";") == expected
            assert parts[table].endswith(b"\r\n") and b"\r\n" in parts[table][:-2]
    sample_user = json.loads(
        (SAMPLES / "helpdesk_users_2024-05-01.ndjson").read_text().splitlines()[0]
    )
    users = (demo.landing / f"helpdesk_users_{START.isoformat()}.ndjson").read_text().splitlines()
    end_users = [json.loads(u) for u in users if '"role": "end-user"' in u]
    assert end_users and all(list(u) == list(sample_user) for u in end_users)
    calls = (demo.landing / f"hotline_calls_{START.isoformat()}.csv").read_text()
    assert {len(row) for row in csv.reader(calls.splitlines())} == {27}  # no header line


def test_truth_keys_are_unique_and_delivered(demo: Demo) -> None:
    truth = read_truth(demo.truth)
    keys = [(row["source"], row["source_key"]) for row in truth]
    assert len(keys) == len(set(keys)) == demo.summary.truth_records
    delivered = keys_in(demo.landing)
    assert set(keys) <= delivered
    assert Counter(source for source, _ in keys).keys() == {
        "shop_customer", "shop_order", "helpdesk_user", "hotline_call", "newsletter_member",
        "pos_receipt", "coupon_redemption", "postcard",
    }  # fmt: skip
    # Anonymous receipts, agents, internal calls and rollbacks are delivered, not in the truth.
    assert len(delivered) > len(keys)


def test_shop_volume_leads_and_postcards_are_few(demo: Demo) -> None:
    rows = demo.summary.rows
    assert max(rows, key=rows.__getitem__) == "shop_customer"
    assert min(rows, key=rows.__getitem__) == "postcard"
    assert 0.002 < demo.summary.total_invalid_rows / demo.summary.total_rows < 0.03


@pytest.mark.parametrize(("people", "days"), [(0, 1), (1, 0)])
def test_bad_sizes_are_one_clear_error(tmp_path: Path, people: int, days: int) -> None:
    with pytest.raises(ConfigError, match="must be at least 1"):
        generate_landing(tmp_path / "l", tmp_path / "t.csv", people=people, days=days, seed=1)


def test_a_used_landing_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "old.csv").write_text("x")
    with pytest.raises(ConfigError, match="is not empty"):
        generate_landing(tmp_path / "landing", tmp_path / "t.csv", people=5, days=1, seed=1)


def test_one_person_one_day_still_writes_every_kind(tmp_path: Path) -> None:
    summary = generate_landing(tmp_path / "l", tmp_path / "t.csv", people=1, days=1, seed=3)
    assert summary.persons == 1
    assert set(summary.files) == set(BUILTIN_FILE_KINDS) - {
        "newsletter_subscribed", "newsletter_unsubscribed", "newsletter_cleaned"
    }  # fmt: skip  # a single day is the last day: the zip only


def test_a_difficulty_gives_its_own_identical_bytes(tmp_path: Path) -> None:
    runs = []
    for run in ("a", "b"):
        landing, truth = tmp_path / run / "landing", tmp_path / run / "truth.csv"
        generate_landing(landing, truth, people=200, days=2, seed=5, difficulty="hard")
        runs.append((files(landing), truth.read_bytes()))
    assert runs[0] == runs[1]
    normal = tmp_path / "normal"
    generate_landing(normal / "landing", normal / "truth.csv", people=200, days=2, seed=5)
    assert files(normal / "landing") != runs[0][0]  # the difficulty matters


def test_an_unknown_difficulty_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="difficulty must be one of") as caught:
        generate_landing(
            tmp_path / "l", tmp_path / "t.csv", people=5, days=1, seed=1, difficulty="brutal"
        )
    assert "'brutal'" in str(caught.value)
    assert not (tmp_path / "l").exists()
