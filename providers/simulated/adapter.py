"""The `simulated` adapter: a provider that lives inside the panel process."""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

import httpx
import msgspec

from providers.base import Capabilities, ProviderAdapter
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
from providers.errors import ProviderRejected, classify_rejection
from providers.simulated.codec import decode_order, decode_refill, encode_order, encode_refill
from providers.simulation.catalog import CATALOG, find_service
from providers.simulation.ordering import AddRefused, check_add
from providers.simulation.progression import (
    charge_now,
    plan_order,
    plan_refill,
    pp_status_text,
    progress_at,
    refill_status_at,
)
from providers.status import UpstreamStatus

Share = Annotated[float, msgspec.Meta(ge=0, le=1)]


class SimulatedSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """`speed` multiplies time (60 = a minute per second); shares are the fraction of orders that end
    Partial or Canceled on their own; `balance` is the starting balance as a decimal string."""

    speed: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    partial_share: Share = 0.1
    cancel_share: Share = 0.05
    balance: str = "1000.00000"
    currency: str = "USD"
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.partial_share + self.cancel_share > 1:
            raise ValueError("partial_share + cancel_share must not exceed 1")
        try:
            amount = Decimal(self.balance)
        except InvalidOperation:
            raise ValueError("balance must be a decimal number such as '1000.00'") from None
        if not amount.is_finite() or amount < 0:
            raise ValueError("balance must be a finite amount >= 0")


# Process-wide, keyed by account, so adapter instances created per call still share one balance and
# cancels. Deliberately in memory: only order progress has to survive a restart (it is in the ids).
_SPENT: dict[str, Decimal] = {}
_CANCELED_AT: dict[str, float] = {}


class SimulatedAdapter(ProviderAdapter):
    """Orders progress from Pending through In progress to Completed (or Partial/Canceled for a share of
    them) over `speed`-scaled time. Ids carry the order's plan, so status needs no memory; cancels and
    the balance are kept in process memory and forgotten on restart."""

    key: ClassVar[str] = "simulated"
    capabilities: ClassVar[Capabilities] = Capabilities(refill=True, cancel=True, dripfeed=True)
    Settings: ClassVar[type[msgspec.Struct]] = SimulatedSettings
    default_base_url: ClassVar[str | None] = "simulated://local"
    settings: SimulatedSettings

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
        # The account is identified by a digest so the key itself is never kept as a dict key.
        self._account = hashlib.sha256(f"{base_url}\0{api_key}".encode()).hexdigest()
        seed = self.settings.seed
        self._rng = random.Random(seed) if seed is not None else random.Random(secrets.randbits(64))
        self.clock: Callable[[], float] = time.time

    async def services(self) -> list[ProviderServiceInfo]:
        """The built-in catalog."""
        return list(CATALOG)

    async def balance(self) -> BalanceInfo:
        """Starting balance minus what orders cost (cancels give money back)."""
        spent = _SPENT.get(self._account, Decimal(0))
        return BalanceInfo(balance=Decimal(self.settings.balance) - spent, currency=self.settings.currency)

    async def add_order(self, req: OrderRequest) -> PlacedOrder:
        """Validate like a PP panel, charge the balance and return an id that encodes the order."""
        service = find_service(req.external_service_id.strip())
        if service is None:
            raise ProviderRejected(classify_rejection("Incorrect service ID"), "Incorrect service ID")
        try:
            accepted = check_add(service, order_params(req))
        except AddRefused as exc:
            raise ProviderRejected(classify_rejection(str(exc)), str(exc)) from None
        balance = (await self.balance()).balance
        if accepted.charge > balance:
            message = "Not enough funds on balance"
            raise ProviderRejected(classify_rejection(message), message)
        plan = plan_order(
            created_at=self.clock(),
            quantity=accepted.quantity,
            speed=self.settings.speed,
            partial_share=self.settings.partial_share,
            cancel_share=self.settings.cancel_share,
            rng=self._rng,
        )
        _SPENT[self._account] = _SPENT.get(self._account, Decimal(0)) + accepted.charge
        order_id = encode_order(service.external_id, plan, accepted.charge, self._rng.getrandbits(40))
        return PlacedOrder(provider_order_id=order_id)

    async def status_batch(self, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
        """Status derived from each id and the clock."""
        now = self.clock()
        result: dict[str, OrderStatusInfo | ItemError] = {}
        for order_id in ids:
            order = decode_order(order_id)
            if order is None:
                result[order_id] = ItemError("Incorrect order ID")
                continue
            progress = progress_at(order.plan, now, canceled_at=_CANCELED_AT.get(order_id))
            result[order_id] = OrderStatusInfo(
                status=progress.status,
                raw_status=pp_status_text(progress.status),
                charge=charge_now(order.charge, order.plan.quantity, progress),
                start_count=order.plan.start_count,
                remains=progress.remains,
                currency=self.settings.currency,
            )
        return result

    async def refill_batch(self, ids: Sequence[str]) -> dict[str, RefillInfo | ItemError]:
        """Accept refills of completed or partial orders of services that offer refill."""
        now = self.clock()
        result: dict[str, RefillInfo | ItemError] = {}
        for order_id in ids:
            order = decode_order(order_id)
            service = find_service(order.service_id) if order is not None else None
            if order is None or service is None:
                result[order_id] = ItemError("Incorrect order ID")
            elif not service.refill:
                result[order_id] = ItemError("Refill is disabled for this service")
            elif progress_at(order.plan, now, canceled_at=_CANCELED_AT.get(order_id)).status not in (
                UpstreamStatus.COMPLETED,
                UpstreamStatus.PARTIAL,
            ):
                result[order_id] = ItemError("Order is not completed yet")
            else:
                plan = plan_refill(created_at=now, speed=self.settings.speed, rng=self._rng)
                result[order_id] = RefillInfo(encode_refill(plan, self._rng.getrandbits(40)))
        return result

    async def refill_status_batch(self, ids: Sequence[str]) -> dict[str, RefillStatusInfo | ItemError]:
        """Refill status derived from each refill id and the clock."""
        now = self.clock()
        result: dict[str, RefillStatusInfo | ItemError] = {}
        for refill_id in ids:
            plan = decode_refill(refill_id)
            if plan is None:
                result[refill_id] = ItemError("Refill not found")
            else:
                status = refill_status_at(plan, now)
                result[refill_id] = RefillStatusInfo(status=status, raw_status=pp_status_text(status))
        return result

    async def cancel_batch(self, ids: Sequence[str]) -> dict[str, CancelInfo | ItemError]:
        """Cancel unfinished orders of cancelable services; undelivered units are refunded."""
        now = self.clock()
        result: dict[str, CancelInfo | ItemError] = {}
        for order_id in ids:
            order = decode_order(order_id)
            service = find_service(order.service_id) if order is not None else None
            if order is None or service is None:
                result[order_id] = ItemError("Incorrect order ID")
                continue
            progress = progress_at(order.plan, now, canceled_at=_CANCELED_AT.get(order_id))
            if not service.cancel or progress.status.is_terminal:
                result[order_id] = CancelInfo(accepted=False, message="Order cannot be canceled")
                continue
            _CANCELED_AT[order_id] = now
            final = progress_at(order.plan, now, canceled_at=now)
            refund = order.charge - charge_now(order.charge, order.plan.quantity, final)
            _SPENT[self._account] = _SPENT.get(self._account, Decimal(0)) - refund
            result[order_id] = CancelInfo(accepted=True, message=None)
        return result
