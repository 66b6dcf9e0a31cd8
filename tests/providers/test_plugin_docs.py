"""docs/plugins.md documents every hook under a heading with its exact signature (datasette's habit)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from providers import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def hook_signatures() -> dict[str, str]:
    """`name(arg, ...)` for every function marked as a hookspec."""
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return {
        name: f"{name}({', '.join(inspect.signature(fn).parameters)})"
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, marker)
    }


def test_there_are_hooks_to_document() -> None:
    assert hook_signatures()["register_adapters"] == "register_adapters(register)"


def test_every_hook_has_a_heading_with_its_signature() -> None:
    headings = set(re.findall(r"^#+ `([^`]+)`\s*$", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE))
    missing = set(hook_signatures().values()) - headings
    assert not missing, f"hooks not documented in {DOCS.name}: {sorted(missing)}"


def test_documented_hooks_exist() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^#+ `(\w+)\(", text, flags=re.MULTILINE))
    assert documented == set(hook_signatures())
