"""The benchmark scripts still run (tiny sizes): a refactor must not leave them broken until release day."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.usefixtures("pg_url")  # the benches need the same PostgreSQL the suite uses
def test_api_v2_bench_runs_and_reports_every_phase() -> None:
    output = run_bench("api_v2.py", "--clients", "2", "--requests", "20")
    for phase in ("no-op Litestar", "add, 1 customer", "add, 8 customers", "status x100 ids", "balance"):
        line = next(row for row in output.splitlines() if row.startswith(phase))
        assert line.split()[-1] != "0.00"
        assert " 0 " in line  # zero errors


@pytest.mark.usefixtures("pg_url")
def test_status_sync_bench_stays_within_one_call_per_hundred_orders() -> None:
    output = run_bench("status_sync.py", "--orders", "250", "--latency-ms", "2")
    assert output.count("limit ⌈N/100⌉ = 3) ok") == 3
