"""Run the real `panel` console script in a subprocess against a private database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PANEL = str(Path(sys.executable).with_name("panel"))


@dataclass
class Result:
    """What a `panel` run printed and returned."""

    code: int
    stdout: str
    stderr: str


Runner = Callable[..., Result]


def make_runner(database_url: str, cwd: Path) -> Runner:
    """A function that runs `panel ARGS...` with PANEL_DATABASE_URL set."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
        environment["PANEL_DATABASE_URL"] = database_url
        environment.update(env or {})
        done = subprocess.run(
            [PANEL, *args], capture_output=True, text=True, cwd=cwd, env=environment, input=stdin, timeout=120
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def panel(tmp_path: Path) -> Runner:
    """`panel` against a fresh embedded SQLite file (migrated on first use)."""
    return make_runner(f"sqlite+aiosqlite:///{tmp_path / 'panel.db'}", tmp_path)
