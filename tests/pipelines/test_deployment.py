from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from prefect.flows import Flow

ROOT = Path(__file__).resolve().parents[2]


def test_prefect_yaml_schedules_the_nightly_flow_and_its_entrypoint_imports() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (nightly,) = [d for d in config["deployments"] if d["name"] == "nightly"]
    assert nightly["schedules"] == [
        {"cron": "0 2 * * *", "timezone": "Europe/Berlin", "active": True}
    ]
    assert nightly["work_pool"]["name"] == "kundenstamm"
    path, _, name = nightly["entrypoint"].partition(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    flow = getattr(module, name)
    assert isinstance(flow, Flow) and flow.name == "consolidate"
    assert set(nightly["parameters"]) <= set(flow.parameters.properties)
