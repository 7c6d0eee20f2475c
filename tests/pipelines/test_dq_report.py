from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipelines.demo.generator import generate_landing
from pipelines.flow import consolidate
from pipelines.quality import write_quality_report
from tests.pipelines.conftest import deliver_day, export_day

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE_BROWSER = os.environ.get("KUNDENSTAMM_REQUIRE_BROWSER") == "1"
CHART_IDS = (
    "chart-rows", "chart-completeness", "chart-quarantine", "chart-scores", "chart-clusters",
    "chart-overlap", "chart-events",
)  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (CHROMIUM and CHROMEDRIVER):
        if REQUIRE_BROWSER:
            pytest.fail("chromium and chromedriver are required (KUNDENSTAMM_REQUIRE_BROWSER=1)")
        pytest.skip("chromium / chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _ink(png: bytes) -> tuple[float, int]:
    """Share of non-white pixels and the number of distinct colours of a screenshot."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3)
    inked = int((pixels.min(axis=1) < 235).sum())
    return inked / len(pixels), len(np.unique(pixels, axis=0))


def test_the_run_report_shows_every_chart_in_a_browser(tmp_path: Path, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    landing = tmp_path / "landing"
    generate_landing(landing, tmp_path / "truth.csv", people=150, days=2, seed=7)
    summary = consolidate(landing=landing, warehouse_url=f"sqlite:///{tmp_path / 'w.db'}")
    assert summary["rows"]["quarantined"] > 0  # every chart has something to show
    report = Path(summary["report"])
    html = report.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="https?:', html), "the report must open offline"

    browser.get(report.as_uri())
    for chart_id in CHART_IDS:
        element = browser.find_element(By.ID, chart_id)
        assert element.size["width"] > 300 and element.size["height"] > 150, chart_id
        browser.execute_script("arguments[0].scrollIntoView();", element)
        share, colours = _ink(element.screenshot_as_png)
        assert share > 0.02 and colours > 8, f"{chart_id} looks blank ({share:.3f}, {colours})"


def test_the_run_report_shows_the_warehouse_as_the_run_left_it(tmp_path: Path) -> None:
    """The run reads its staging figures while it matches: its report equals one drawn
    from the warehouse afterwards, the second day's included."""
    everything, landing = tmp_path / "all", tmp_path / "landing"
    url = f"sqlite:///{tmp_path / 'w.db'}"
    generate_landing(everything, tmp_path / "truth.csv", people=120, days=2, seed=11)
    for day in sorted({export_day(p.name) for p in everything.iterdir()}):
        deliver_day(everything, landing, day)
        summary = consolidate(landing=landing, warehouse_url=url, report_dir=tmp_path / "runs")
    assert summary["rows"]["loaded"] > 0
    write_quality_report(url, tmp_path / "after.html")
    generated = re.compile(r"Generated [0-9: -]+ ·")
    run_html = Path(summary["report"]).read_text(encoding="utf-8")
    after_html = (tmp_path / "after.html").read_text(encoding="utf-8")
    assert generated.search(run_html), "the pattern must find the timestamp"
    assert generated.sub("", run_html) == generated.sub("", after_html)


def test_log_scaled_charts_label_plain_counts() -> None:
    from pipelines.dq_report import cluster_chart
    from warehouse.quality import QualityFigures

    svg = cluster_chart(QualityFigures(cluster_sizes={1: 120_000, 2: 4_000, 3: 90}))
    assert ">100,000<" in svg and ">1,000<" in svg
    assert "mathdefault" not in svg  # no 10^x typeset
    # Within one decade the minor ticks carry the labels.
    narrow = cluster_chart(QualityFigures(cluster_sizes={1: 60, 2: 30, 3: 20}))
    assert ">30<" in narrow and ">60<" in narrow, "no count on the y axis"
    assert "mathdefault" not in narrow


def test_the_report_marks_the_configured_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project that links at 0.93 sees 0.93 in its report, not the default."""
    config = tmp_path / "kundenstamm.toml"
    config.write_text("[matching]\nlink_threshold = 0.93\nreview_threshold = 0.6\n")
    monkeypatch.setenv("KUNDENSTAMM_CONFIG", str(config))
    landing = tmp_path / "landing"
    generate_landing(landing, tmp_path / "truth.csv", people=60, days=1, seed=3)
    summary = consolidate(
        landing=landing, warehouse_url=f"sqlite:///{tmp_path / 'w.db'}", report_dir=tmp_path
    )
    html = Path(summary["report"]).read_text(encoding="utf-8")
    assert "link threshold 0.93" in html and "review threshold 0.6)" in html
