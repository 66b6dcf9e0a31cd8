"""Reply shapes of the two API v2 dialects the fake provider speaks (reference §0 and §1)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from providers.dto import ProviderServiceInfo
from providers.fake_server.book import RefillView, StatusView


class Dialect(StrEnum):
    """`perfectpanel`: canonical PP. `seed`: what the seed's testedsmmapi.com documents."""

    PERFECTPANEL = "perfectpanel"
    SEED = "seed"


def services(dialect: Dialect, catalog: Sequence[ProviderServiceInfo]) -> list[dict[str, Any]]:
    """PP: integer id, strings for rate/min/max, type and flags, category last. Seed: numbers for
    min/max and only service, name, rate, min, max, category."""
    if dialect is Dialect.SEED:
        return [
            {
                "service": int(s.external_id),
                "name": s.name,
                "rate": str(s.rate),
                "min": s.min,
                "max": s.max,
                "category": s.category,
            }
            for s in catalog
        ]
    items = []
    for s in catalog:
        item: dict[str, Any] = {
            "service": int(s.external_id),
            "name": s.name,
            "type": s.type,
            "rate": str(s.rate),
            "min": str(s.min),
            "max": str(s.max),
            "dripfeed": s.dripfeed,
            "refill": s.refill,
            "cancel": s.cancel,
        }
        if s.description is not None:
            item["desc"] = s.description
        item["category"] = s.category
        items.append(item)
    return items


def status(view: StatusView) -> dict[str, Any]:
    """A single order's status: identical in both dialects."""
    return {
        "charge": str(view.charge),
        "start_count": str(view.start_count),
        "status": view.status,
        "remains": str(view.remains),
        "currency": view.currency,
    }


def multi_status(dialect: Dialect, results: Sequence[tuple[str, StatusView | str]]) -> Any:
    """PP: an object keyed by id with `{"error": ...}` slots. Seed: a list of `{"order", "status"}`."""
    if dialect is Dialect.SEED:
        return [
            {"order": _number(i), "status": r.status}
            if isinstance(r, StatusView)
            else {"order": _number(i), "error": r}
            for i, r in results
        ]
    return {i: status(r) if isinstance(r, StatusView) else {"error": r} for i, r in results}


def refill(dialect: Dialect, refill_id: int) -> dict[str, Any]:
    """Single refill: PP gives the id as a string, the seed as a number."""
    return {"refill": refill_id if dialect is Dialect.SEED else str(refill_id)}


def multi_refill(results: Sequence[tuple[str, int | str]]) -> list[dict[str, Any]]:
    """Multi refill (both dialects): `{"order", "refill": id | {"error": ...}}` per order."""
    return [{"order": _number(i), "refill": r if isinstance(r, int) else {"error": r}} for i, r in results]


def refill_status(view: RefillView) -> dict[str, Any]:
    """Single refill status (both dialects)."""
    return {"status": view.status}


def multi_refill_status(results: Sequence[tuple[str, RefillView | str]]) -> list[dict[str, Any]]:
    """Multi refill status (both dialects): `{"refill", "status": text | {"error": ...}}`."""
    return [
        {"refill": _number(i), "status": r.status if isinstance(r, RefillView) else {"error": r}}
        for i, r in results
    ]


def cancel(dialect: Dialect, results: Sequence[tuple[str, bool | str]]) -> list[dict[str, Any]]:
    """PP: `{"order", "cancel": 1 | {"error": ...}}`. Seed: `{"order", "canceled": true|false}`."""
    if dialect is Dialect.SEED:
        return [{"order": _number(i), "canceled": r is True} for i, r in results]
    return [
        {"order": _number(i), "cancel": 1 if r is True else {"error": r or "Order cannot be canceled"}}
        for i, r in results
    ]


def legacy_cancel(result: bool | str) -> dict[str, Any]:
    """Single-order cancel as clones answer it (`{"cancel": "1"}`), for adapters in `order` form."""
    if result is True:
        return {"cancel": "1"}
    return {"error": result or "Order cannot be canceled"}


def _number(raw_id: str) -> int | str:
    # Ids are integers on the wire; a malformed id the client sent is echoed back as it came.
    return int(raw_id) if raw_id.isdigit() else raw_id
