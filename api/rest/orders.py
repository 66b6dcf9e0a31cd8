"""Customer orders and refills: place (idempotently), list, look up, ask for a refill or a cancel.

Placement is the same use case /api/v2 `add` runs (`core.orders.placement.place_order`), with the
`Idempotency-Key` header as the client request id: the same key and body return the first order and
charge once; the same key with another body is 409 `request_id_reused`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api.rest.auth import Principal
from api.rest.context import RestContext
from api.rest.deps import PAGE, PRINCIPAL
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import (
    MAX_ID,
    REPLAYED_HEADER,
    SINGLE_LINE,
    Id,
    IdempotencyKey,
    PathId,
    QueryId,
    amount_text,
)
from core.errors import DomainError
from core.orders import listing, requests
from core.orders.domain import PUBLIC_STATUS, CancelState
from core.orders.intake import client_request_id
from core.orders.models import CancelRequest, Order, Refill
from core.orders.placement import place_order
from core.orders.queries import PUBLIC_REFILL_STATUS
from core.pagination import PageRequest
from core.users.admin import user_by_id

Int = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]
Line = Annotated[str, msgspec.Meta(max_length=2000, pattern=SINGLE_LINE)]
ListItem = Annotated[str, msgspec.Meta(max_length=1000, min_length=1, pattern=SINGLE_LINE)]
# Lists only, not "one item per line" text: msgspec 0.22 corrupts memory when a str with this pattern
# shares a union with a list, and JSON has arrays anyway.
ListParam = Annotated[list[ListItem], msgspec.Meta(max_length=10_000)]


class CreateOrderIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An order. Which fields a service needs depends on its type: see `form` of GET /api/catalog/services/{id}.

    List fields (comments, usernames, hashtags, keywords, groups) take a list of strings.
    """

    service_id: Id
    link: Line | None = None
    quantity: Int | None = None
    runs: Int | None = None
    interval: Int | None = None
    comments: ListParam | None = None
    usernames: ListParam | None = None
    hashtags: ListParam | None = None
    keywords: ListParam | None = None
    groups: ListParam | None = None
    hashtag: Line | None = None
    username: Line | None = None
    media: Line | None = None
    answer_number: Int | None = None
    posts: Int | None = None
    old_posts: Int | None = None
    delay: Int | None = None
    expiry: Line | None = None
    min: Int | None = None
    max: Int | None = None
    country: Line | None = None
    device: Int | None = None
    type_of_traffic: Int | None = None
    google_keyword: Line | None = None
    referring_url: Line | None = None

    def as_params(self) -> dict[str, str]:
        """The order as the text parameters the placement use case reads (as /api/v2 `add` sends them)."""
        params = {"service": str(self.service_id)}
        for name in self.__struct_fields__:
            value: Any = getattr(self, name)
            if name == "service_id" or value is None:
                continue
            params[name] = "\n".join(value) if isinstance(value, list) else str(value)
        return params


class OrderOut(msgspec.Struct, frozen=True):
    """An order as its customer sees it. `status` is pending, processing, in_progress, completed, partial
    or canceled; `charge` is what was debited and `refunded` what came back."""

    id: int
    service_id: int
    status: str
    status_label: str
    link: str | None
    quantity: int
    runs: int | None
    interval: int | None
    params: dict[str, str]
    charge: str
    refunded: str
    start_count: int | None
    remains: int | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class RefillOut(msgspec.Struct, frozen=True):
    """A refill request; `status` is pending, in_progress, completed or rejected."""

    id: int
    order_id: int
    status: str
    created_at: datetime
    updated_at: datetime


class CancelOut(msgspec.Struct, frozen=True):
    """A cancel request; `status` is pending, accepted (the provider took it) or rejected. The refund
    follows when the order itself turns Canceled."""

    id: int
    order_id: int
    status: str
    created_at: datetime


def order_out(order: Order) -> OrderOut:
    """The customer's schema of an order (no provider, cost or provider order id)."""
    return OrderOut(
        id=order.id,
        service_id=order.service_id,
        status=listing.public_status_code(order.state),
        status_label=PUBLIC_STATUS[order.state],
        link=order.link,
        quantity=order.quantity,
        runs=order.runs,
        interval=order.interval,
        params={str(k): str(v) for k, v in (order.params or {}).items()},
        charge=amount_text(order.charge),
        refunded=amount_text(order.refunded),
        start_count=order.start_count,
        remains=order.remains,
        created_at=order.created_at,
        updated_at=order.updated_at,
        finished_at=order.finished_at,
    )


def refill_out(refill: Refill) -> RefillOut:
    """The customer's schema of a refill request (no provider refill id)."""
    status = PUBLIC_REFILL_STATUS[refill.state].lower().replace(" ", "_")
    return RefillOut(refill.id, refill.order_id, status, refill.created_at, refill.updated_at)


_CANCEL_STATUS = {CancelState.ACCEPTED: "accepted", CancelState.REJECTED: "rejected"}


def cancel_out(request: CancelRequest) -> CancelOut:
    """The customer's schema of a cancel request."""
    status = _CANCEL_STATUS.get(request.state, "pending")
    return CancelOut(request.id, request.order_id, status, request.created_at)


StatusFilter = Annotated[
    str | None,
    QueryParameter(
        description=f"one of {', '.join(listing.PUBLIC_STATUS_CODES)}", max_length=20, pattern=SINGLE_LINE
    ),
]


def _one(results: dict[int, Any], order_id: int) -> Any:
    result = results[order_id]
    if isinstance(result, DomainError):
        raise result
    return result


class OrdersController(Controller):
    """The caller's orders."""

    path = "/orders"
    tags = ["orders"]
    dependencies = {"principal": PRINCIPAL, "paging": PAGE}

    @post(
        "/",
        operation_id="createOrder",
        response_headers=[REPLAYED_HEADER],
        status_code=201,
        responses=ERROR_RESPONSES,
    )
    async def create_order(
        self,
        ctx: NamedDependency[RestContext],
        principal: NamedDependency[Principal],
        data: JSONBody[CreateOrderIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[OrderOut]:
        """Place and pay for an order. Send an `Idempotency-Key` so a retry cannot buy twice: the same key
        and body answer with the first order (header `Idempotent-Replayed: true`)."""
        async with ctx.db.transaction() as session:
            user = await user_by_id(session, principal.user_id)
            placement = await place_order(
                session,
                user,
                data.as_params(),
                request_id=client_request_id(None, idempotency_key),
                price_step=ctx.settings.price_step,
            )
            body = order_out(placement.order)
        headers = {"Idempotent-Replayed": "false" if placement.created else "true"}
        return Response(body, status_code=201, headers=headers)

    @get("/", operation_id="listOrders", responses=ERROR_RESPONSES)
    async def list_orders(
        self,
        ctx: NamedDependency[RestContext],
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: StatusFilter = None,
        service_id: QueryId = None,
    ) -> PageOut[OrderOut]:
        """The caller's orders, newest first, optionally with one status or of one service."""
        async with ctx.db.transaction() as session:
            orders = await listing.customer_orders_page(
                session, principal.user_id, paging, status=status, service_id=service_id
            )
        return page_out(orders, order_out)

    @get("/{order_id:int}", operation_id="getOrder", responses=ERROR_RESPONSES)
    async def get_order(
        self, ctx: NamedDependency[RestContext], principal: NamedDependency[Principal], order_id: PathId
    ) -> OrderOut:
        """One of the caller's orders."""
        async with ctx.db.transaction() as session:
            return order_out(await listing.customer_order(session, principal.user_id, order_id))

    @post("/{order_id:int}/refill", operation_id="requestRefill", status_code=201, responses=ERROR_RESPONSES)
    async def request_refill(
        self, ctx: NamedDependency[RestContext], principal: NamedDependency[Principal], order_id: PathId
    ) -> RefillOut:
        """Ask for a refill of a completed or partial order of a service that offers refills."""
        async with ctx.db.transaction() as session:
            results = await requests.request_refills(session, principal.user_id, [order_id])
            return refill_out(_one(results, order_id))

    @post("/{order_id:int}/cancel", operation_id="requestCancel", status_code=202, responses=ERROR_RESPONSES)
    async def request_cancel(
        self, ctx: NamedDependency[RestContext], principal: NamedDependency[Principal], order_id: PathId
    ) -> CancelOut:
        """Ask for an order to be canceled; the refund follows when it is canceled (see `status`)."""
        async with ctx.db.transaction() as session:
            results = await requests.request_cancels(session, principal.user_id, [order_id])
            return cancel_out(_one(results, order_id))


class RefillsController(Controller):
    """The caller's refill requests."""

    path = "/refills"
    tags = ["orders"]
    dependencies = {"principal": PRINCIPAL, "paging": PAGE}

    @get("/", operation_id="listRefills", responses=ERROR_RESPONSES)
    async def list_refills(
        self,
        ctx: NamedDependency[RestContext],
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        order_id: QueryId = None,
    ) -> PageOut[RefillOut]:
        """The caller's refill requests, newest first, optionally of one order."""
        async with ctx.db.transaction() as session:
            refills = await listing.customer_refills_page(
                session, principal.user_id, paging, order_id=order_id
            )
        return page_out(refills, refill_out)

    @get("/{refill_id:int}", operation_id="getRefill", responses=ERROR_RESPONSES)
    async def get_refill(
        self, ctx: NamedDependency[RestContext], principal: NamedDependency[Principal], refill_id: PathId
    ) -> RefillOut:
        """One of the caller's refill requests and its status."""
        async with ctx.db.transaction() as session:
            return refill_out(await listing.customer_refill(session, principal.user_id, refill_id))
