"""The example third-party plugin: installed into the venv, found by entry point, no change to the panel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "panel-provider-example"
PROBE = (
    "import panel_provider_example, pathlib; print(pathlib.Path(panel_provider_example.__file__).resolve())"
)


def _python(code: str, target: Path, *, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter whose path includes the install target: entry points are read from there.
    environment = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=environment, timeout=120
    )


@pytest.fixture(scope="module")
def example_installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the example plugin the way a user would (pip, from its own pyproject), into a private target
    directory that only this module's subprocesses see: the shared venv, and every other test's view of
    the registry, stay untouched."""
    target = tmp_path_factory.mktemp("plugin-site")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",  # hatchling is in the dev extras: no network needed
        "--target",
        str(target),
        str(EXAMPLE),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    probe = _python(PROBE, target)
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()).is_relative_to(target.resolve())
    return target


def _describe(target: Path, arguments: str = "") -> list[list[str]]:
    done = _python(
        "import json\n"
        "from providers.registry import load_adapters\n"
        f"registry = load_adapters({arguments})\n"
        "print(json.dumps([[d.key, d.plugin, d.version, d.adapter] for d in registry.describe()]))\n",
        target,
    )
    assert done.returncode == 0, done.stderr
    described: list[list[str]] = json.loads(done.stdout)
    return described


def test_the_example_is_not_visible_without_installing_it() -> None:
    from providers.registry import load_adapters

    assert "acme" not in set(load_adapters().keys())


def test_the_example_is_found_through_its_entry_point(example_installed: Path) -> None:
    assert ["acme", "acme", "0.1.0", "panel_provider_example.adapter.AcmeAdapter"] in _describe(
        example_installed
    )


def test_the_example_obeys_allow_and_deny_lists(example_installed: Path) -> None:
    assert "acme" in [row[0] for row in _describe(example_installed, "allow=['panel-provider-example']")]
    assert "acme" not in [row[0] for row in _describe(example_installed, "deny=['panel_provider_example']")]
    assert "acme" not in [row[0] for row in _describe(example_installed, "allow=[]")]


def test_the_example_passes_the_contract_suite_in_its_own_test_run(example_installed: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        cwd=EXAMPLE,
        env={**os.environ, "PYTHONPATH": str(example_installed)},
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout
    assert "skipped" not in done.stdout
