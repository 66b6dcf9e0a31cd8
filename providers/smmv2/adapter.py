"""`smmv2`: the generic adapter for Perfect Panel–compatible providers and their many variants."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, TypeVar

import httpx
import msgspec

from providers.base import MAX_BATCH, Capabilities, ProviderAdapter
from providers.dto import (
    BalanceInfo,
    CancelInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
    ProviderServiceInfo,
    RefillInfo,
    RefillStatusInfo,
    order_params,
)
from providers.errors import RejectReason, classify_rejection, says_try_later
from providers.smmv2 import replies
from providers.smmv2.transport import Reply, Transport, UnusableReply
from providers.status import UpstreamStatus

T = TypeVar("T")
ParamName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z_][A-Za-z0-9_\[\]]*$")]

# Top-level errors that concern the whole account, not the ids asked about: these raise even in batches.
_ACCOUNT_LEVEL = frozenset({RejectReason.BAD_KEY, RejectReason.INSUFFICIENT_FUNDS})


class SmmV2Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Per-provider wire options for `smmv2` (reference §2 and §5.1.1); every field has a PP default."""

    method: Literal["POST", "GET"] = "POST"
    body: Literal["form", "json"] = "form"
    key_param: ParamName = "key"
    order_param: ParamName = "order"
    orders_param: ParamName = "orders"
    link_param: ParamName = "link"
    cancel_form: Literal["orders", "order"] = "orders"
    multi: bool = True
    status_batch_size: Annotated[int, msgspec.Meta(ge=1, le=MAX_BATCH)] = MAX_BATCH
    fill_partial_remains: bool = True
    extra_add_params: dict[str, str] = {}
    request_id_param: ParamName | None = None


class SmmV2Adapter(ProviderAdapter):
    """Perfect Panel API v2 over HTTP, tolerant of every documented variation.

    `multi=False` fetches statuses, refills and refill statuses one id per request (`order=`/`refill=`);
    `cancel_form="order"` cancels one order per request, for panels without the batch cancel.
    `fill_partial_remains` re-asks a single status for Partial orders whose batch entry has no `remains`
    (the seed's multi-status carries only the status), because the panel needs it to refund.
    """

    key: ClassVar[str] = "smmv2"
    capabilities: ClassVar[Capabilities] = Capabilities(refill=True, cancel=True, dripfeed=True)
    Settings: ClassVar[type[msgspec.Struct]] = SmmV2Settings
    settings: SmmV2Settings

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        http: httpx.AsyncClient,
        timeout: float,
        settings: Mapping[str, Any] | msgspec.Struct | None = None,
    ) -> None:
        super().__init__(base_url=base_url, api_key=api_key, http=http, timeout=timeout, settings=settings)
        self._wire = Transport(
            url=base_url,
            api_key=api_key,
            http=http,
            timeout=timeout,
            method=self.settings.method,
            body=self.settings.body,
            key_param=self.settings.key_param,
        )

    @property
    def batch_size(self) -> int:
        """Ids per batch request, from the settings (some panels take fewer than 100)."""
        return self.settings.status_batch_size

    async def services(self) -> list[ProviderServiceInfo]:
        """The provider's catalog (`action=services`)."""
        reply = await self._checked("services", {})
        return self._parse(reply, replies.read_services, safe=True)

    async def add_order(self, req: OrderRequest) -> PlacedOrder:
        """Place one order (`action=add`); never retried here, see `OutcomeUnknown`."""
        params = {"service": req.external_service_id}
        for name, value in order_params(req).items():
            params[self.settings.link_param if name == "link" else name] = value
        params.update(self.settings.extra_add_params)
        if self.settings.request_id_param is not None:
            params[self.settings.request_id_param] = req.request_id or uuid.uuid4().hex
        reply = await self._checked("add", params, safe=False)
        return self._parse(reply, replies.read_placed, safe=False)

    async def balance(self) -> BalanceInfo:
        """The account balance (`action=balance`)."""
        reply = await self._checked("balance", {})
        return self._parse(reply, replies.read_balance, safe=True)

    async def status_batch(self, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
        """Statuses of one chunk, by `orders=` or one `order=` request per id."""
        if not self.settings.multi:
            return await self._one_by_one(ids, self._single_status)
        reply = await self._wire.call("status", {self.settings.orders_param: ",".join(ids)}, safe=True)
        errors = self._item_errors(reply, ids)
        result: dict[str, OrderStatusInfo | ItemError] = (
            dict(errors) if errors is not None else self._parse_batch(reply, ids, replies.read_statuses)
        )
        if self.settings.fill_partial_remains:
            for order_id, info in list(result.items()):
                if (
                    isinstance(info, OrderStatusInfo)
                    and info.status is UpstreamStatus.PARTIAL
                    and (info.remains is None)
                ):
                    detailed = await self._single_status(order_id)
                    # Keep the batch answer if the single one is worse (an error, or no remains either).
                    if isinstance(detailed, OrderStatusInfo) and detailed.remains is not None:
                        result[order_id] = detailed
        return result

    async def refill_batch(self, ids: Sequence[str]) -> dict[str, RefillInfo | ItemError]:
        """Refill one chunk, by `orders=` or one `order=` request per id."""
        if not self.settings.multi:
            return await self._one_by_one(ids, self._single_refill)
        reply = await self._wire.call("refill", {self.settings.orders_param: ",".join(ids)}, safe=True)
        errors = self._item_errors(reply, ids)
        return {**errors} if errors is not None else self._parse_batch(reply, ids, replies.read_refills)

    async def refill_status_batch(self, ids: Sequence[str]) -> dict[str, RefillStatusInfo | ItemError]:
        """Refill statuses of one chunk, by `refills=` or one `refill=` request per id."""
        if not self.settings.multi:
            return await self._one_by_one(ids, self._single_refill_status)
        reply = await self._wire.call("refill_status", {"refills": ",".join(ids)}, safe=True)
        errors = self._item_errors(reply, ids)
        return (
            {**errors} if errors is not None else self._parse_batch(reply, ids, replies.read_refill_statuses)
        )

    async def cancel_batch(self, ids: Sequence[str]) -> dict[str, CancelInfo | ItemError]:
        """Cancel one chunk: PP `orders=` (array reply) or legacy one `order=` request per id."""
        if self.settings.cancel_form == "order":
            return await self._one_by_one(ids, self._single_cancel)
        reply = await self._wire.call("cancel", {self.settings.orders_param: ",".join(ids)}, safe=True)
        errors = self._item_errors(reply, ids)
        return {**errors} if errors is not None else self._parse_batch(reply, ids, replies.read_cancels)

    # -- one id per request --------------------------------------------------------------------------

    async def _single_status(self, order_id: str) -> OrderStatusInfo | ItemError:
        reply = await self._wire.call("status", {self.settings.order_param: order_id}, safe=True)
        errors = self._item_errors(reply, [order_id])
        if errors is not None:
            return errors[order_id]
        return self._parse(reply, lambda p: replies.read_statuses(p, [order_id]), safe=True).get(
            order_id, ItemError("order missing from reply")
        )

    async def _single_refill(self, order_id: str) -> RefillInfo | ItemError:
        reply = await self._wire.call("refill", {self.settings.order_param: order_id}, safe=True)
        errors = self._item_errors(reply, [order_id])
        return errors[order_id] if errors is not None else self._parse(reply, replies.read_refill_single)

    async def _single_refill_status(self, refill_id: str) -> RefillStatusInfo | ItemError:
        reply = await self._wire.call("refill_status", {"refill": refill_id}, safe=True)
        errors = self._item_errors(reply, [refill_id])
        return errors[refill_id] if errors is not None else replies.read_refill_status_entry(reply.payload)

    async def _single_cancel(self, order_id: str) -> CancelInfo | ItemError:
        reply = await self._wire.call("cancel", {self.settings.order_param: order_id}, safe=True)
        errors = self._item_errors(reply, [order_id])
        if errors is not None:
            return errors[order_id]
        payload = reply.payload
        if isinstance(payload, list):
            return replies.read_cancels(payload, [order_id]).get(order_id, ItemError("order missing"))
        return replies.read_cancel_entry(payload)

    async def _one_by_one(self, ids: Sequence[str], fetch: Callable[[str], Awaitable[T]]) -> dict[str, T]:
        # Sequential on purpose: a panel without batch endpoints is rarely one that likes bursts.
        return {i: await fetch(i) for i in ids}

    # -- reply handling ------------------------------------------------------------------------------

    async def _checked(self, action: str, params: Mapping[str, str], *, safe: bool = True) -> Reply:
        reply = await self._wire.call(action, params, safe=safe)
        self._wire.raise_for_error(reply, safe=safe)
        return reply

    def _item_errors(self, reply: Reply, ids: Sequence[str]) -> dict[str, ItemError] | None:
        """For a top-level error about the ids themselves ("Incorrect order ID", "Incorrect request"),
        an `ItemError` per id; account-level and try-later errors raise instead."""
        message = self._wire.top_error(reply)
        if message is None:
            return None
        if (
            says_try_later(message)
            or reply.http_status >= 500
            or classify_rejection(message) in _ACCOUNT_LEVEL
        ):
            raise self._wire.error_for(reply, message, safe=True)
        return {i: ItemError(message) for i in ids}

    def _parse(self, reply: Reply, read: Callable[[Any], T], *, safe: bool = True) -> T:
        try:
            return read(reply.payload)
        except UnusableReply as exc:
            raise self._wire.unusable(reply, str(exc), safe=safe) from None

    def _parse_batch(
        self, reply: Reply, ids: Sequence[str], read: Callable[[Any, Sequence[str]], dict[str, T]]
    ) -> dict[str, T]:
        return self._parse(reply, lambda payload: read(payload, ids))
