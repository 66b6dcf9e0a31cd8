"""The /api/v2 actions: authenticate, run one core use case in one transaction, shape the reply.

Thin by design: validation, prices, charges and request rules live in core; reply shapes live in
`api.v2.serializer`; error wording in `api.v2.errors`. Every call answers with a JSON value, never an
exception: the controller sends it with HTTP 200.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import structlog
from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.v2.errors import INCORRECT_REQUEST, INVALID_KEY, ApiError, error_message, is_expected
from api.v2.params import ItemId, ids_param, read_params
from api.v2.serializer import JSON, ItemError, SeedDialect, dialect_for
from core.catalog.domain import rule_for
from core.catalog.queries import services_for_customer
from core.db.database import Database
from core.errors import DomainError
from core.orders import queries, requests
from core.orders.errors import UnknownOrder, UnknownRefill
from core.orders.intake import client_request_id
from core.orders.placement import place_order
from core.settings import Settings
from core.users.models import User
from core.users.service import authenticate

log = structlog.get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One authenticated call: its transaction, its customer and its parameters."""

    session: AsyncSession
    user: User
    params: dict[str, str]
    headers: Mapping[str, str]


Action = Callable[[Call], Awaitable[JSON]]


def _item_error(exc: DomainError) -> ItemError:
    return ItemError(error_message(exc))


def _outcome(
    results: Mapping[int, T | DomainError], item: ItemId, missing: Callable[[], DomainError]
) -> T | DomainError:
    """One item's result; a malformed id, or one the use case did not find, gets `missing()`."""
    result = results.get(item.value) if item.value is not None else None
    return missing() if result is None else result


def _one(results: Mapping[int, T | DomainError], ids: list[ItemId], missing: Callable[[], DomainError]) -> T:
    """The result of a single-id call; its error is raised as the whole answer."""
    result = _outcome(results, ids[0], missing)
    if isinstance(result, DomainError):
        raise result
    return result


def _each(
    results: Mapping[int, T | DomainError], ids: list[ItemId], missing: Callable[[], DomainError]
) -> list[tuple[int | str, T | ItemError]]:
    """The results of a batch call in request order, each error turned into a per-item error."""
    answers: list[tuple[int | str, T | ItemError]] = []
    for item in ids:
        result = _outcome(results, item, missing)
        answers.append((item.key, _item_error(result) if isinstance(result, DomainError) else result))
    return answers


def _valid(ids: list[ItemId]) -> list[int]:
    return [item.value for item in ids if item.value is not None]


class SmmApiV2:
    """Serves /api/v2 for one database and one set of settings (dialect, currency, price step)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.price_step: Decimal = settings.price_step
        self.dialect: SeedDialect = dialect_for(settings.api_dialect, settings.currency)
        self.actions: dict[str, Action] = {
            "services": self.services,
            "add": self.add,
            "status": self.status,
            "refill": self.refill,
            "refill_status": self.refill_status,
            "cancel": self.cancel,
            "balance": self.balance,
        }

    async def handle(self, request: Request[Any, Any, Any]) -> JSON:
        """The reply to one HTTP request: the action's result or `{"error": ...}`, never an exception."""
        key = ""
        action = ""
        try:
            params = await read_params(request)
            key = params.get("key", "").strip()
            action = params.get("action", "").strip().lower()
            return await self.respond(key, action, params, request.headers)
        except Exception as exc:
            if not is_expected(exc):
                self._log_fault(exc, action, key)
            return self.dialect.error(error_message(exc))

    async def respond(
        self, key: str, action: str, params: dict[str, str], headers: Mapping[str, str]
    ) -> JSON:
        """Authenticate `key` and run `action`; raises what the action refuses."""
        if not key:
            raise ApiError(INVALID_KEY)
        async with self.db.transaction() as session:
            user = await authenticate(session, key)
            if user is None:
                raise ApiError(INVALID_KEY)
            run = self.actions.get(action)
            if run is None:
                raise ApiError(INCORRECT_REQUEST)
            return await run(Call(session, user, params, headers))

    @staticmethod
    def _log_fault(exc: Exception, action: str, key: str) -> None:
        # No exc_info: a rich traceback would print local variables, and those include the API key.
        message = str(exc).replace(key, "***") if key else str(exc)
        log.error(
            "api_v2_unexpected_error",
            action=action[:40],
            error_type=type(exc).__name__,
            error=message[:2000],
            traceback="".join(traceback.format_tb(exc.__traceback__)),
        )

    async def services(self, call: Call) -> JSON:
        """`services`: enabled services at this customer's price, those `add` can order."""
        offers = await services_for_customer(
            call.session, discount_percent=call.user.discount_percent, price_step=self.price_step
        )
        return self.dialect.services([offer for offer in offers if rule_for(offer.type).orderable])

    async def add(self, call: Call) -> JSON:
        """`add`: place and pay for one order; a known `request_id` returns its first order."""
        request_id = client_request_id(call.params.get("request_id"), call.headers.get("idempotency-key"))
        placement = await place_order(
            call.session, call.user, call.params, request_id=request_id, price_step=self.price_step
        )
        return self.dialect.placed(placement.order.id)

    async def status(self, call: Call) -> JSON:
        """`status`: one order (`order`) or up to 100 (`orders`)."""
        batch, ids = ids_param(call.params, "order", "orders", UnknownOrder)
        found = await queries.order_statuses(call.session, call.user.id, _valid(ids))
        if not batch:
            return self.dialect.status(_one(found, ids, UnknownOrder))
        return self.dialect.statuses(_each(found, ids, UnknownOrder))

    async def refill(self, call: Call) -> JSON:
        """`refill`: request a refill of one order or of up to 100."""
        batch, ids = ids_param(call.params, "order", "orders", UnknownOrder)
        results = await requests.request_refills(call.session, call.user.id, _valid(ids))
        if not batch:
            return self.dialect.refill(_one(results, ids, UnknownOrder).id)
        return self.dialect.refills(
            [(key, r if isinstance(r, ItemError) else r.id) for key, r in _each(results, ids, UnknownOrder)]
        )

    async def refill_status(self, call: Call) -> JSON:
        """`refill_status`: one refill (`refill`) or up to 100 (`refills`)."""
        batch, ids = ids_param(call.params, "refill", "refills", UnknownRefill)
        found = await queries.refill_statuses(call.session, call.user.id, _valid(ids))
        if not batch:
            return self.dialect.refill_status(_one(found, ids, UnknownRefill))
        return self.dialect.refill_statuses(_each(found, ids, UnknownRefill))

    async def cancel(self, call: Call) -> JSON:
        """`cancel`: request the cancellation of up to 100 orders (`orders`), or of one (`order`)."""
        batch, ids = ids_param(call.params, "order", "orders", UnknownOrder)
        results = await requests.request_cancels(call.session, call.user.id, _valid(ids))
        if not batch:
            _one(results, ids, UnknownOrder)
            return self.dialect.cancel()
        return self.dialect.cancels(
            [(key, r if isinstance(r, ItemError) else None) for key, r in _each(results, ids, UnknownOrder)]
        )

    async def balance(self, call: Call) -> JSON:
        """`balance`: the customer's balance in the panel currency."""
        return self.dialect.balance(call.user.balance)
