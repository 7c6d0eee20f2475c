"""The five packages have generic names: make sure the installed ones are this repo's."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("package", ["schemas", "connectors", "matching", "warehouse", "pipelines"])
def test_package_is_from_this_repo(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().is_relative_to(REPO)
