#!/usr/bin/env python3
"""Set up the project's virtualenv and run the demo or the checks; needs only Python >= 3.11.

python3 dev.py demo   # create .venv, install, generate a landing folder, consolidate, score
python3 dev.py test   # create .venv, install, run ruff, mypy and the test suite
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], cwd=ROOT, check=True)


def setup() -> None:
    """Create .venv and install the project with its dev tools, again when pyproject changes."""
    if sys.version_info < (3, 11):
        sys.exit(f"kundenstamm needs Python >= 3.11, this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(digest)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("setup", "demo", "test"):
        sys.exit(__doc__)
    setup()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        _run(BIN / "kundenstamm", "demo", *rest)
    elif command == "test":
        _run(BIN / "ruff", "check", ".")
        _run(BIN / "mypy", "schemas", "connectors", "matching", "warehouse", "pipelines")
        _run(BIN / "pytest", "-q", "-n", "2", *rest)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
