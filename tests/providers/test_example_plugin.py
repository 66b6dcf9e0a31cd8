"""The example third-party plugin: installed into the venv, found by entry point, no change to the panel."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "panel-provider-example"
PROBE = (
    "import panel_provider_example, pathlib; print(pathlib.Path(panel_provider_example.__file__).resolve())"
)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter: entry points and editable-install hooks are read at start-up.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def _installed_from_this_tree() -> bool:
    probe = _python(PROBE)
    return probe.returncode == 0 and Path(probe.stdout.strip()).is_relative_to(EXAMPLE)


def _pip_install(*extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        *extra,
        "--editable",
        str(EXAMPLE),
    ]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def example_installed() -> None:
    """Install the example (editable) unless this tree's copy already is; other test runs on the machine
    share the venv, so installs are serialised by a lock file next to it."""
    with open(Path(sys.prefix) / ".panel-provider-example.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not _installed_from_this_tree():
                # Without build isolation first (offline, if the backend is in the venv), then with it
                # (pip fetches hatchling from the configured index).
                done = _pip_install("--no-build-isolation")
                if done.returncode != 0:
                    done = _pip_install()
                assert done.returncode == 0, done.stderr
            assert _installed_from_this_tree(), "the example plugin did not install from this tree"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _describe(arguments: str = "") -> list[list[str]]:
    done = _python(
        "import json\n"
        "from providers.registry import load_adapters\n"
        f"registry = load_adapters({arguments})\n"
        "print(json.dumps([[d.key, d.plugin, d.version, d.adapter] for d in registry.describe()]))\n"
    )
    assert done.returncode == 0, done.stderr
    described: list[list[str]] = json.loads(done.stdout)
    return described


@pytest.mark.usefixtures("example_installed")
def test_the_example_is_found_through_its_entry_point() -> None:
    assert ["acme", "acme", "0.1.0", "panel_provider_example.adapter.AcmeAdapter"] in _describe()


@pytest.mark.usefixtures("example_installed")
def test_the_example_obeys_allow_and_deny_lists() -> None:
    assert "acme" in [row[0] for row in _describe("allow=['panel-provider-example']")]
    assert "acme" not in [row[0] for row in _describe("deny=['panel_provider_example']")]
    assert "acme" not in [row[0] for row in _describe("allow=[]")]


@pytest.mark.usefixtures("example_installed")
def test_the_example_passes_the_contract_suite_in_its_own_test_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        cwd=EXAMPLE,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout
    assert "skipped" not in done.stdout
