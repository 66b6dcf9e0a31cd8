"""`/_control/*`: steering a fake provider that runs in another process, over HTTP with JSON.

GET  /_control/stats                 counters (add calls and orders per link, requests per action)
GET  /_control/faults                the current fault switches
POST /_control/faults                replace them: a JSON `Faults` object (`{}` clears)
POST /_control/reset                 no orders, starting catalog and balance, no faults
GET  /_control/orders                the order ids in the book
POST /_control/orders/{id}           pin status/remains/start_count/charge: {"status": "Partial", ...}
POST /_control/services/{id}         set a service's rate: {"rate": "1.25"}
DELETE /_control/services/{id}       remove a service from the catalog
POST /_control/advance               move the clock: {"seconds": 3600}
POST /_control/balance               set the balance: {"balance": "0"}
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from providers.fake_server.control import FakeProviderControl
from providers.fake_server.faults import Faults


class _ForceBody(msgspec.Struct, forbid_unknown_fields=True):
    status: str | None = None
    remains: int | None = None
    start_count: int | None = None
    charge: str | None = None


class _RateBody(msgspec.Struct, forbid_unknown_fields=True):
    rate: str


class _AdvanceBody(msgspec.Struct, forbid_unknown_fields=True):
    seconds: float


class _BalanceBody(msgspec.Struct, forbid_unknown_fields=True):
    balance: str


def control_request(control: FakeProviderControl, method: str, path: str, body: bytes) -> tuple[int, Any]:
    """Handle one control request; returns HTTP status and a JSON-able payload."""
    parts = path.strip("/").split("/")[1:]
    try:
        return _route(control, method, parts, body or b"{}")
    except (msgspec.ValidationError, msgspec.DecodeError, InvalidOperation, ValueError) as exc:
        return 400, {"error": f"bad control request: {exc}"}
    except KeyError as exc:
        return 404, {"error": f"not found: {exc}"}


def _route(control: FakeProviderControl, method: str, parts: list[str], body: bytes) -> tuple[int, Any]:
    match method, parts:
        case "GET", ["stats"]:
            return 200, control.stats()
        case "GET", ["faults"]:
            return 200, msgspec.to_builtins(control.faults)
        case "POST", ["faults"]:
            control.set_faults(msgspec.json.decode(body, type=Faults))
            return 200, msgspec.to_builtins(control.faults)
        case "POST", ["reset"]:
            control.reset()
            return 200, {"ok": True}
        case "GET", ["orders"]:
            return 200, control.order_ids()
        case "POST", ["orders", order_id]:
            force = msgspec.json.decode(body, type=_ForceBody)
            control.force_order(
                order_id,
                status=force.status,
                remains=force.remains,
                start_count=force.start_count,
                charge=Decimal(force.charge) if force.charge is not None else None,
            )
            return 200, {"ok": True}
        case "POST", ["services", service_id]:
            control.set_rate(service_id, Decimal(msgspec.json.decode(body, type=_RateBody).rate))
            return 200, {"ok": True}
        case "DELETE", ["services", service_id]:
            control.remove_service(service_id)
            return 200, {"ok": True}
        case "POST", ["advance"]:
            control.advance(msgspec.json.decode(body, type=_AdvanceBody).seconds)
            return 200, {"ok": True}
        case "POST", ["balance"]:
            control.set_balance(Decimal(msgspec.json.decode(body, type=_BalanceBody).balance))
            return 200, {"ok": True}
    return 404, {"error": f"no control route {method} /_control/{'/'.join(parts)}"}
