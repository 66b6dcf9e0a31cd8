"""The fake provider's API v2 actions: parameters in, dialect-shaped payload out."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from providers.fake_server import dialects
from providers.fake_server.control import FakeProviderControl
from providers.simulation.ordering import AddRefused

MAX_IDS = 100

# Parameter names real clients use for the same thing (reference §2); the first is canonical.
_ALIASES = {"key": ("key", "api"), "order": ("order", "id", "order_id"), "link": ("link", "url")}


def canonical(params: Mapping[str, str]) -> dict[str, str]:
    """`params` with alias names (`api`, `id`, `order_id`, `url`) renamed to the canonical ones."""
    result = dict(params)
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in params and name not in result:
                result[name] = params[alias]
    return result


def batch_ids(raw: str) -> list[str]:
    """Comma-separated ids: spaces trimmed, empty items ignored, at most 100 (reference §6.5)."""
    return [i.strip() for i in raw.split(",") if i.strip()][:MAX_IDS]


def answer(control: FakeProviderControl, params: Mapping[str, str]) -> Any:
    """The JSON payload for one API request (errors are `{"error": ...}`); caller holds `control.lock`."""
    book, dialect = control.book, control.dialect
    key = params.get("key", "")
    if not key or (control.api_key is not None and key != control.api_key):
        return {"error": "Invalid API key"}
    action = params.get("action", "").strip()
    book.requests_by_action[action or "(none)"] += 1
    if action == "services":
        return dialects.services(dialect, list(book.catalog.values()))
    if action == "balance":
        return {"balance": str(book.balance), "currency": book.settings.currency}
    if action == "add":
        try:
            return {"order": book.add(params)}
        except AddRefused as exc:
            return {"error": str(exc)}
    if action == "status":
        return _status(control, params)
    if action == "refill":
        if "orders" in params:
            return dialects.multi_refill([(i, book.refill(i)) for i in batch_ids(params["orders"])])
        if "order" in params:
            result = book.refill(params["order"])
            return dialects.refill(dialect, result) if isinstance(result, int) else {"error": result}
    if action == "refill_status":
        if "refills" in params:
            ids = batch_ids(params["refills"])
            return dialects.multi_refill_status([(i, book.refill_status(i)) for i in ids])
        if "refill" in params:
            view = book.refill_status(params["refill"])
            return dialects.refill_status(view) if not isinstance(view, str) else {"error": view}
    if action == "cancel":
        if "orders" in params:
            return dialects.cancel(dialect, [(i, book.cancel(i)) for i in batch_ids(params["orders"])])
        if "order" in params:
            return dialects.legacy_cancel(book.cancel(params["order"]))
    return {"error": "Incorrect request"}


def _status(control: FakeProviderControl, params: Mapping[str, str]) -> Any:
    book, faults = control.book, control.faults
    if "orders" in params:
        ids = batch_ids(params["orders"])
        dropped = set(faults.drop_ids)
        if faults.drop_share > 0:
            dropped.update(i for i in ids if random.random() < faults.drop_share)
        now = book.now()
        entries = [(i, book.status(i, now)) for i in ids if i not in dropped]
        return dialects.multi_status(control.dialect, entries)
    if "order" in params:
        view = book.status(params["order"])
        return dialects.status(view) if not isinstance(view, str) else {"error": view}
    return {"error": "Incorrect request"}
