"""The fake provider's steering wheel, for tests in the same process (HTTP `/_control/*` uses it too)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from decimal import Decimal
from typing import Any

import msgspec

from providers.fake_server.book import BookSettings, Forced, OrderBook
from providers.fake_server.dialects import Dialect
from providers.fake_server.faults import Faults


class FakeProviderControl:
    """State and switches of one fake provider. Thread-safe: a test thread may steer a server whose event
    loop runs in another thread (every method takes the same lock the request handlers take)."""

    def __init__(
        self,
        *,
        dialect: Dialect | str = Dialect.PERFECTPANEL,
        api_key: str | None = None,
        settings: BookSettings | None = None,
    ) -> None:
        self.dialect = Dialect(dialect)
        self.api_key = api_key
        self.lock = threading.Lock()
        self.book = OrderBook(settings or BookSettings())
        self.faults = Faults()
        self._remaining: int | None = None
        # Set when the server stops, so requests told to hang give up instead of blocking shutdown.
        self.released = threading.Event()

    # -- faults ----------------------------------------------------------------------------------------

    def set_faults(self, faults: Faults | None = None, **switches: Any) -> None:
        """Replace the fault switches: pass a `Faults`, or its fields as keywords (`http_500=True`)."""
        chosen = faults if faults is not None else msgspec.convert(switches, Faults)
        with self.lock:
            self.faults = chosen
            self._remaining = chosen.times

    def clear_faults(self) -> None:
        """Behave again."""
        self.set_faults(Faults())

    def take_failure(self, action: str) -> Faults | None:
        """The faults to apply to one request of `action` if a failure switch is in scope, counting it
        against `times`; None when the request should be served normally."""
        with self.lock:
            faults = self.faults
            if not faults.failure_applies(action):
                return None
            if self._remaining is not None:
                self._remaining -= 1
                if self._remaining <= 0:
                    self.faults = faults.without_failures()
                    self._remaining = None
            return faults

    # -- state -----------------------------------------------------------------------------------------

    def reset(self) -> None:
        """No orders, starting catalog and balance, zero counters, no faults."""
        with self.lock:
            self.book.reset()
            self.faults = Faults()
            self._remaining = None

    def stats(self) -> dict[str, Any]:
        """`add_calls_by_link`, `orders_by_link`, `requests_by_action`, `orders` and `balance`."""
        with self.lock:
            return self.book.stats()

    def add_calls(self, link: str) -> int:
        """How many `add` requests arrived for `link` (accepted or not)."""
        with self.lock:
            return self.book.add_calls_by_link[link]

    def orders_for(self, link: str) -> int:
        """How many orders were actually created for `link`."""
        with self.lock:
            return self.book.orders_by_link[link]

    def order_ids(self) -> list[int]:
        """Ids of every order in the book, oldest first."""
        with self.lock:
            return list(self.book.orders)

    def force_order(
        self,
        order_id: int | str,
        *,
        status: str | None = None,
        remains: int | None = None,
        start_count: int | None = None,
        charge: Decimal | str | None = None,
    ) -> None:
        """Pin what status reports for an order (the raw text is sent as given, e.g. "Cancelled")."""
        forced = Forced(
            status=status,
            remains=remains,
            start_count=start_count,
            charge=Decimal(charge) if charge is not None else None,
        )
        with self.lock:
            self.book.force(int(order_id), forced)

    def set_rate(self, service_id: str | int, rate: Decimal | str) -> None:
        """Change (raise or lower) a service's rate, restoring it if it was removed."""
        with self.lock:
            self.book.set_rate(str(service_id), Decimal(rate))

    def remove_service(self, service_id: str | int) -> None:
        """Remove a service from the catalog."""
        with self.lock:
            self.book.remove_service(str(service_id))

    def set_balance(self, amount: Decimal | str) -> None:
        """Set the account balance (0 makes every `add` fail with "Not enough funds on balance")."""
        with self.lock:
            self.book.balance = Decimal(amount)

    def advance(self, seconds: float) -> None:
        """Move the provider's clock forward, so orders progress without waiting."""
        with self.lock:
            self.book.clock_offset += seconds

    async def wait_released(self, at_most: float) -> None:
        """Sleep until the server stops or `at_most` seconds pass (used by requests told to hang)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(at_most):
                # Polling because a threading.Event cannot be awaited, and the server's loop may run in
                # another thread than the test that releases it.
                while not self.released.is_set():  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
