"""Running the real `panel serve` in a subprocess on a free loopback port."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

PANEL = str(Path(sys.executable).with_name("panel"))
START_TIMEOUT_SECONDS = 60
_runs = itertools.count(1)
_SERVING = re.compile(r"^serving (http://\S+)/api/v2 ", re.MULTILINE)
_DEMO_KEY = re.compile(r"^demo API key: (\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class Served:
    """A running `panel serve`: its base URL and what it printed so far."""

    base_url: str
    stdout_path: Path
    stderr_path: Path

    @property
    def api_url(self) -> str:
        """The /api/v2 endpoint."""
        return f"{self.base_url}/api/v2"

    def stdout(self) -> str:
        """Everything printed on stdout so far."""
        return self.stdout_path.read_text()

    def demo_key(self) -> str:
        """The demo customer's key printed by --demo."""
        found = _DEMO_KEY.search(self.stdout())
        assert found is not None, self.stdout()
        return found.group(1)


def panel_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The machine's environment without its PANEL_ variables, plus the ones given."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    environment["PANEL_DATABASE_URL"] = database_url
    environment.update({f"PANEL_{name.upper()}": value for name, value in settings.items()})
    return environment


@asynccontextmanager
async def running_panel(
    workdir: Path, database_url: str, *args: str, **settings: str
) -> AsyncIterator[Served]:
    """Start `panel serve --port 0 ARGS` and wait until it listens; stop it (SIGTERM) afterwards."""
    run = next(_runs)
    stdout_path, stderr_path = workdir / f"serve-{run}.out", workdir / f"serve-{run}.err"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [PANEL, "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=stdout,
            stderr=stderr,
            cwd=workdir,
            env=panel_environment(database_url, **settings),
        )
    try:
        deadline = asyncio.get_running_loop().time() + START_TIMEOUT_SECONDS
        while True:
            found = _SERVING.search(stdout_path.read_text())
            if found is not None:
                break
            if process.poll() is not None or asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"panel serve did not start (exit {process.poll()}):\n{stdout_path.read_text()}\n"
                    f"{stderr_path.read_text()}"
                )
            await asyncio.sleep(0.05)
        yield Served(found.group(1), stdout_path, stderr_path)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
