"""Admin: order search, one order in full, the unknown-outcome queue and its resolution, manual refunds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from api.rest.context import RestContext
from api.rest.deps import PAGE
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import (
    REPLAYED_HEADER,
    SINGLE_LINE,
    IdempotencyKey,
    PathId,
    PositiveMoney,
    QueryId,
    Reason,
    amount_text,
    fx_text,
    optional_amount,
    text,
)
from core.orders import admin as orders_admin
from core.orders import listing
from core.orders.domain import PUBLIC_STATUS, OrderState
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from core.orders.status_sync import first_check_delay
from core.pagination import PageRequest

ProviderOrderId = Annotated[str, text(100, min_length=1)]


class AdminOrderOut(msgspec.Struct, frozen=True):
    """An order with everything the panel knows: where it went, what it cost us, and how it stands."""

    id: int
    user_id: int
    service_id: int
    state: str
    status_label: str
    status_flagged: bool
    raw_status: str | None
    link: str | None
    quantity: int
    runs: int | None
    interval: int | None
    params: dict[str, str]
    charge: str
    refunded: str
    route_id: int | None
    provider_id: int | None
    provider_service_id: int | None
    provider_order_id: str | None
    cost: str | None
    cost_currency: str | None
    exchange_rate: str | None
    provider_charge: str | None
    start_count: int | None
    remains: int | None
    client_request_id: str | None
    dispatch_attempts: int
    last_error: str | None
    next_check_at: datetime | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class OrderEventOut(msgspec.Struct, frozen=True):
    """One entry of an order's audit trail."""

    id: int
    kind: str
    detail: str | None
    created_at: datetime


class AdminRefillOut(msgspec.Struct, frozen=True):
    """A refill request with its provider-side id and status."""

    id: int
    state: str
    provider_refill_id: str | None
    raw_status: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime


class AdminCancelOut(msgspec.Struct, frozen=True):
    """A cancel request and how the provider took it."""

    id: int
    state: str
    error: str | None
    created_at: datetime
    updated_at: datetime


class AdminOrderDetailOut(msgspec.Struct, frozen=True):
    """One order, its audit trail (oldest first), its refills and cancel requests."""

    order: AdminOrderOut
    events: list[OrderEventOut]
    refills: list[AdminRefillOut]
    cancels: list[AdminCancelOut]


class ResolveIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The verdict on an order of unknown outcome, after looking at the provider's panel:
    `found` (it exists there as `provider_order_id`), `resend` (it does not: dispatch again) or
    `refund` (give up: canceled and refunded in full)."""

    resolution: orders_admin.Resolution
    provider_order_id: ProviderOrderId | None = None


class RefundIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A goodwill refund on an order; without `amount`, everything charged and not yet refunded."""

    reason: Reason
    amount: PositiveMoney | None = None


class RefundOut(msgspec.Struct, frozen=True):
    """The order after a manual refund, what was credited now (0 for a replay) and the ledger entry."""

    order: AdminOrderOut
    refunded_now: str
    ledger_entry_id: int


def admin_order_out(order: Order) -> AdminOrderOut:
    """The admin schema of an order."""
    return AdminOrderOut(
        id=order.id,
        user_id=order.user_id,
        service_id=order.service_id,
        state=order.state.value,
        status_label=PUBLIC_STATUS[order.state],
        status_flagged=order.status_flagged,
        raw_status=order.raw_status,
        link=order.link,
        quantity=order.quantity,
        runs=order.runs,
        interval=order.interval,
        params={str(k): str(v) for k, v in (order.params or {}).items()},
        charge=amount_text(order.charge),
        refunded=amount_text(order.refunded),
        route_id=order.route_id,
        provider_id=order.provider_id,
        provider_service_id=order.provider_service_id,
        provider_order_id=order.provider_order_id,
        cost=optional_amount(order.cost),
        cost_currency=order.cost_currency,
        exchange_rate=None if order.exchange_rate is None else fx_text(order.exchange_rate),
        provider_charge=optional_amount(order.provider_charge),
        start_count=order.start_count,
        remains=order.remains,
        client_request_id=order.client_request_id,
        dispatch_attempts=order.dispatch_attempts,
        last_error=order.last_error,
        next_check_at=order.next_check_at,
        created_at=order.created_at,
        updated_at=order.updated_at,
        finished_at=order.finished_at,
    )


def _event(event: OrderEvent) -> OrderEventOut:
    return OrderEventOut(event.id, event.kind, event.detail, event.created_at)


def _refill(refill: Refill) -> AdminRefillOut:
    return AdminRefillOut(
        refill.id,
        refill.state.value,
        refill.provider_refill_id,
        refill.raw_status,
        refill.error,
        refill.created_at,
        refill.updated_at,
    )


def _cancel(cancel: CancelRequest) -> AdminCancelOut:
    return AdminCancelOut(cancel.id, cancel.state.value, cancel.error, cancel.created_at, cancel.updated_at)


StateFilter = Annotated[
    list[OrderState] | None,
    QueryParameter(name="state", description="internal states (repeat the parameter for several)"),
]


class AdminOrdersController(Controller):
    """Every customer's orders."""

    path = "/orders"
    tags = ["admin: orders"]
    dependencies = {"paging": PAGE}

    @get("/", operation_id="adminSearchOrders", responses=ERROR_RESPONSES)
    async def search_orders(
        self,
        ctx: NamedDependency[RestContext],
        paging: NamedDependency[PageRequest],
        states: StateFilter = None,
        user_id: QueryId = None,
        service_id: QueryId = None,
        provider_id: QueryId = None,
        provider_order_id: Annotated[str | None, QueryParameter(max_length=100, pattern=SINGLE_LINE)] = None,
        flagged: FromQuery[bool | None] = None,
        created_from: FromQuery[datetime | None] = None,
        created_before: FromQuery[datetime | None] = None,
    ) -> PageOut[AdminOrderOut]:
        """Orders matching every filter given, newest first (times are UTC when no offset is given)."""
        where = listing.OrderSearch(
            states=tuple(states or ()),
            user_id=user_id,
            service_id=service_id,
            provider_id=provider_id,
            provider_order_id=provider_order_id,
            flagged=flagged,
            created_from=_aware(created_from),
            created_before=_aware(created_before),
        )
        async with ctx.db.transaction() as session:
            return page_out(await listing.search_orders(session, paging, where), admin_order_out)

    @get("/unknown", operation_id="adminListUnknownOrders", responses=ERROR_RESPONSES)
    async def list_unknown(
        self, ctx: NamedDependency[RestContext], paging: NamedDependency[PageRequest]
    ) -> PageOut[AdminOrderOut]:
        """The queue of orders whose dispatch outcome is unknown, waiting for an admin's verdict."""
        where = listing.OrderSearch(states=(OrderState.UNKNOWN,))
        async with ctx.db.transaction() as session:
            return page_out(await listing.search_orders(session, paging, where), admin_order_out)

    @get("/{order_id:int}", operation_id="adminGetOrder", responses=ERROR_RESPONSES)
    async def get_order(self, ctx: NamedDependency[RestContext], order_id: PathId) -> AdminOrderDetailOut:
        """One order in full: the row, its audit trail, refills and cancel requests."""
        async with ctx.db.transaction() as session:
            detail = await listing.order_detail(session, order_id)
            return AdminOrderDetailOut(
                admin_order_out(detail.order),
                [_event(e) for e in detail.events],
                [_refill(r) for r in detail.refills],
                [_cancel(c) for c in detail.cancels],
            )

    @post(
        "/{order_id:int}/resolve",
        operation_id="adminResolveOrder",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def resolve_order(
        self, ctx: NamedDependency[RestContext], order_id: PathId, data: JSONBody[ResolveIn]
    ) -> AdminOrderOut:
        """Settle an order of unknown outcome (409 for an order in any other state)."""
        async with ctx.db.transaction() as session:
            order = await orders_admin.resolve(
                session,
                order_id,
                data.resolution,
                provider_order_id=data.provider_order_id,
                first_check=first_check_delay(ctx.settings),
            )
            return admin_order_out(order)

    @post(
        "/{order_id:int}/refund",
        operation_id="adminRefundOrder",
        response_headers=[REPLAYED_HEADER],
        status_code=201,
        responses=ERROR_RESPONSES,
    )
    async def refund_order(
        self,
        ctx: NamedDependency[RestContext],
        order_id: PathId,
        data: JSONBody[RefundIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[RefundOut]:
        """Refund part or all of what an order charged, with a reason (a ledger refund on the order).
        With an `Idempotency-Key`, a retry returns the first refund instead of refunding again."""
        async with ctx.db.transaction() as session:
            result = await orders_admin.manual_refund(
                session, order_id, reason=data.reason, value=data.amount, client_key=idempotency_key
            )
            body = RefundOut(admin_order_out(result.order), amount_text(result.refunded_now), result.entry_id)
        replayed = result.refunded_now == 0
        return Response(
            body, status_code=201, headers={"Idempotent-Replayed": "true" if replayed else "false"}
        )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
