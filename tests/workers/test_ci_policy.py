"""Under CI=true a missing Redis fails the Redis tests; on a developer's machine it skips them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests/workers/test_redis_pipeline.py::test_a_broker_outage_only_delays_dispatch"


def _run_without_redis(ci: str) -> subprocess.CompletedProcess[str]:
    # An empty PATH hides redis-server; the interpreter is called by its absolute path.
    environment = {k: v for k, v in os.environ.items() if k not in ("PATH", "CI")}
    environment.update({"PATH": "", "CI": ci})
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
def test_missing_redis_is_a_failure_under_ci_and_a_skip_elsewhere() -> None:
    in_ci = _run_without_redis("true")
    assert in_ci.returncode == 1, in_ci.stdout
    assert "CI=true: a missing Redis is a failure" in in_ci.stdout

    local = _run_without_redis("")
    assert local.returncode == 0, local.stdout
    assert "1 skipped" in local.stdout
