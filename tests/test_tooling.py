"""The tree keeps its shape: the layers and package contracts (import-linter), ruff's lint and
format, and mypy, all as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.long


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)


def tool(name: str) -> str:
    """A command the test requirements install beside this Python."""
    return str(Path(sys.executable).parent / name)


def test_no_import_runs_up_the_layers_and_no_package_has_a_cycle():
    done = run(tool("lint-imports"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.parametrize("check", [("check", "."), ("format", "--check", ".")], ids=["lint", "format"])
def test_ruff_finds_nothing(check):
    done = run(sys.executable, "-m", "ruff", *check)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing():
    done = run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr
