"""Readers for SMM API v2 reply bodies, tolerant of every shape in the reference (§0, §2, §5.1).

Each reader takes an already-decoded payload whose top-level error (if any) was handled by the caller,
and raises `UnusableReply` only when nothing sensible can be read from it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from providers.dto import (
    BalanceInfo,
    CancelInfo,
    ItemError,
    OrderStatusInfo,
    PlacedOrder,
    ProviderServiceInfo,
    RefillInfo,
    RefillStatusInfo,
)
from providers.service_types import normalise_service_type
from providers.smmv2.transport import UnusableReply
from providers.smmv2.values import (
    error_text,
    read_decimal,
    read_flag,
    read_id,
    read_int,
    read_text,
)
from providers.status import normalise_order_status, normalise_refill_status

log = logging.getLogger(__name__)

# Values some clones put in `status` next to a payload to say "this worked" (reference §2, envelopes).
_SUCCESS_MARKERS = frozenset({"success", "ok", "200", "100", "true"})


def _unwrap(payload: Any, *names: str) -> Any:
    """Take the payload out of `{"services": [...]}`, `{"data": ...}` and similar envelopes."""
    if isinstance(payload, dict):
        for name in (*names, "data"):
            inner = payload.get(name)
            if isinstance(inner, list | dict):
                return inner
    return payload


def _says_success(value: object) -> bool:
    return value is True or (read_text(value) or "").lower() in _SUCCESS_MARKERS


# -- services --------------------------------------------------------------------------------------


def read_services(payload: Any) -> list[ProviderServiceInfo]:
    """The catalog from a bare list, a `{"services": [...]}`/`{"data": [...]}` envelope or an id-keyed
    object. Items missing an id, rate, min or max are skipped (and logged); an empty catalog is valid."""
    if isinstance(payload, dict) and isinstance(payload.get("data"), str) and "services" not in payload:
        # kkoss89/ss1 answers an empty catalogue with {"status": "success", "data": "Empty Data"}.
        return []
    items = _unwrap(payload, "services")
    if isinstance(items, dict):
        items = list(items.values())
    if not isinstance(items, list):
        raise UnusableReply("services: expected a list")
    services = [s for s in (_read_service(item) for item in items) if s is not None]
    if items and not services:
        raise UnusableReply(f"services: none of {len(items)} items has an id, rate, min and max")
    if len(services) < len(items):
        log.warning("provider catalog: skipped %d unreadable items", len(items) - len(services))
    return services


def _read_service(item: object) -> ProviderServiceInfo | None:
    if not isinstance(item, dict):
        return None
    external_id = read_id(item.get("service", item.get("id")))
    rate = read_decimal(item.get("rate"))
    low, high = read_int(item.get("min")), read_int(item.get("max"))
    if external_id is None or rate is None or low is None or high is None:
        return None
    return ProviderServiceInfo(
        external_id=external_id,
        name=read_text(item.get("name")) or f"Service {external_id}",
        type=normalise_service_type(read_text(item.get("type")) or "Default"),
        category=read_text(item.get("category")) or "",
        rate=rate,
        min=low,
        max=high,
        refill=read_flag(item.get("refill")),
        cancel=read_flag(item.get("cancel")),
        dripfeed=read_flag(item.get("dripfeed")),
        description=read_text(item.get("desc", item.get("description"))),
    )


# -- add, balance ----------------------------------------------------------------------------------


def read_placed(payload: Any) -> PlacedOrder:
    """The new order's id from `{"order": N}`, `{"status": "success", "order": "N"}` or `{"data": {...}}`."""
    body = _unwrap(payload)
    order_id = read_id(body.get("order", body.get("order_id"))) if isinstance(body, dict) else None
    if order_id is None:
        raise UnusableReply("add: no order id")
    return PlacedOrder(provider_order_id=order_id)


def read_balance(payload: Any) -> BalanceInfo:
    """`{"balance": "100.84292", "currency": "USD"}`, numbers or strings, envelopes stripped."""
    body = _unwrap(payload)
    amount = read_decimal(body.get("balance")) if isinstance(body, dict) else None
    if amount is None or not isinstance(body, dict):
        raise UnusableReply("balance: no readable balance")
    return BalanceInfo(balance=amount, currency=read_text(body.get("currency")))


# -- batches ---------------------------------------------------------------------------------------


def batch_entries(payload: Any, id_field: str, ids: Sequence[str]) -> dict[str, Any]:
    """Entries of a batch reply matched to the asked `ids` by `str(id)`: from an object keyed by id
    (PP multi-status) or from a list whose items carry `id_field` (seed, refill, cancel)."""
    wanted = set(ids)
    body = _unwrap(payload)
    entries: dict[str, Any] = {}
    if isinstance(body, dict):
        for key, entry in body.items():
            if key.strip() in wanted:
                entries[key.strip()] = entry
    elif isinstance(body, list):
        for entry in body:
            if isinstance(entry, dict):
                entry_id = read_id(entry.get(id_field))
                if entry_id in wanted:
                    entries[entry_id] = entry
    else:
        raise UnusableReply(f"expected an object or a list, got {type(body).__name__}")
    return entries


def _entry_status(entry: Any, what: str) -> str | ItemError:
    """The raw `status` text of one entry, or the error it carries instead: a bare string, an
    `error` key or an error object in `status`."""
    if isinstance(entry, str):
        return ItemError(entry.strip() or "error")
    if not isinstance(entry, dict):
        return ItemError(f"unreadable {what} entry")
    # {"error": "Order not found.", "status": "104"}: the error wins over a numeric status code.
    message = error_text(entry.get("error"))
    if message is not None:
        return ItemError(message)
    raw = entry.get("status")
    if isinstance(raw, dict):
        return ItemError(error_text(raw) or "error")
    raw_status = read_text(raw)
    return ItemError("no status in entry") if raw_status is None else raw_status


def read_status_entry(entry: Any) -> OrderStatusInfo | ItemError:
    """One order's status: a full object, an `{"error": ...}` object or a bare error string."""
    raw_status = _entry_status(entry, "status")
    if isinstance(raw_status, ItemError):
        return raw_status
    return OrderStatusInfo(
        status=normalise_order_status(raw_status),
        raw_status=raw_status,
        charge=read_decimal(entry.get("charge")),
        start_count=read_int(entry.get("start_count")),
        remains=read_int(entry.get("remains")),
        currency=read_text(entry.get("currency")),
    )


def looks_like_single_status(payload: Any) -> bool:
    """True for `{"status": "Completed", "charge": ...}`: a one-order reply rather than a batch."""
    return isinstance(payload, dict) and isinstance(payload.get("status"), str) and "error" not in payload


def read_statuses(payload: Any, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
    """A multi-status reply (object keyed by id, or list with `order`); a single-order shape is
    accepted when exactly one id was asked."""
    if len(ids) == 1 and looks_like_single_status(payload) and ids[0] not in payload:
        return {ids[0]: read_status_entry(payload)}
    return {i: read_status_entry(e) for i, e in batch_entries(payload, "order", ids).items()}


def read_refill_value(value: Any, entry: dict[str, Any]) -> RefillInfo | ItemError:
    """The `refill` slot of a refill reply: an id (number or string), `{"error": ...}` or nothing."""
    message = error_text(entry.get("error"))
    if message is not None:
        return ItemError(message)
    if isinstance(value, dict):
        return ItemError(error_text(value) or "refill refused")
    if value is False or (isinstance(value, int) and not isinstance(value, bool) and value == 0):
        return ItemError(read_text(entry.get("message")) or "refill refused")
    return RefillInfo(provider_refill_id=read_id(value))


def read_refill_single(payload: Any) -> RefillInfo | ItemError:
    """`{"refill": "1"}`, `{"refill": 5555}`, `{"success": "...", "refill": 12345}` or an id-less
    `{"status": "success", "message": "..."}`."""
    body = _unwrap(payload)
    if not isinstance(body, dict):
        raise UnusableReply("refill: expected an object")
    return read_refill_value(body.get("refill"), body)


def read_refills(payload: Any, ids: Sequence[str]) -> dict[str, RefillInfo | ItemError]:
    """A multi-refill reply: a list of `{"order": N, "refill": id | {"error": ...}}`."""
    if len(ids) == 1 and isinstance(payload, dict) and "refill" in payload and ids[0] not in payload:
        return {ids[0]: read_refill_single(payload)}
    entries = batch_entries(payload, "order", ids)
    return {
        i: read_refill_value(e.get("refill"), e) if isinstance(e, dict) else ItemError(str(e))
        for i, e in entries.items()
    }


def read_refill_status_entry(entry: Any) -> RefillStatusInfo | ItemError:
    """One refill's status: `{"status": "Completed"}` or an error in `status` or `error`."""
    raw_status = _entry_status(entry, "refill status")
    if isinstance(raw_status, ItemError):
        return raw_status
    return RefillStatusInfo(status=normalise_refill_status(raw_status), raw_status=raw_status)


def read_refill_statuses(payload: Any, ids: Sequence[str]) -> dict[str, RefillStatusInfo | ItemError]:
    """A multi refill-status reply: list with `refill` ids (or an object keyed by refill id)."""
    if len(ids) == 1 and looks_like_single_status(payload) and ids[0] not in payload:
        return {ids[0]: read_refill_status_entry(payload)}
    return {i: read_refill_status_entry(e) for i, e in batch_entries(payload, "refill", ids).items()}


def read_cancel_entry(entry: Any) -> CancelInfo | ItemError:
    """One cancel result: PP `{"order": 2, "cancel": 1}`, seed `{"order": 1, "canceled": true}`, legacy
    `{"cancel": "1"}` or `{"status": "success"}`, or an error in `cancel`/`error`."""
    if isinstance(entry, str):
        return ItemError(entry.strip() or "error")
    if not isinstance(entry, dict):
        return ItemError("unreadable cancel entry")
    message = error_text(entry.get("error"))
    if message is not None:
        return ItemError(message)
    note = read_text(entry.get("message"))
    for name in ("cancel", "canceled", "cancelled"):
        if name in entry:
            value = entry[name]
            if isinstance(value, dict):
                return ItemError(error_text(value) or "cancel refused")
            return CancelInfo(accepted=read_flag(value) or _says_success(value), message=note)
    if "status" in entry:
        return CancelInfo(accepted=_says_success(entry["status"]), message=note)
    return ItemError("no cancel result in entry")


def read_cancels(payload: Any, ids: Sequence[str]) -> dict[str, CancelInfo | ItemError]:
    """A batch cancel reply: a list of per-order results carrying `order`."""
    return {i: read_cancel_entry(e) for i, e in batch_entries(payload, "order", ids).items()}
