"""The Dramatiq broker from `PANEL_BROKER_URL`: Redis, RabbitMQ, or the in-process stub broker.

Every broker gets the same middleware, in this order: Dramatiq's defaults (age limit, time limit,
shutdown notifications, callbacks, pipelines, retries), then AsyncIO (the event loop thread that runs
async actors), then `PanelResources` (the database and the shared HTTP client, opened on that loop).
The order matters: Dramatiq emits `before_*` hooks first-to-last and `after_*` hooks last-to-first, so
the loop exists before the resources open and is still running when they close.
"""

from __future__ import annotations

import redis
from dramatiq import Broker
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware, default_middleware

# A worker that stopped heartbeating this long ago is presumed dead; Redis hands its unacknowledged
# messages to others. The sweep covers the same case from the database side.
REDIS_HEARTBEAT_TIMEOUT_MS = 30_000
REDIS_SOCKET_TIMEOUT = 5.0


class BrokerConfigError(ValueError):
    """PANEL_BROKER_URL names a broker this panel cannot use."""


def broker_kind(url: str | None) -> str:
    """ "redis", "rabbitmq" or "stub" (no URL: the embedded default)."""
    if not url:
        return "stub"
    scheme = url.split("://", 1)[0].lower()
    if scheme in ("redis", "rediss", "unix"):
        return "redis"
    if scheme in ("amqp", "amqps"):
        return "rabbitmq"
    raise BrokerConfigError(f"PANEL_BROKER_URL must start with redis:// or amqp://, not {scheme}://")


def build_broker(
    url: str | None, *, namespace: str, extra_middleware: list[Middleware] | None = None
) -> Broker:
    """A broker for `url` with the panel's middleware; `namespace` prefixes Redis keys."""
    middleware: list[Middleware] = [m() for m in default_middleware]
    middleware.append(AsyncIO())
    middleware.extend(extra_middleware or [])
    kind = broker_kind(url)
    if kind == "redis":
        # Bounded socket timeouts: a blackholed Redis must fail a send quickly (the sweep re-derives the
        # job) instead of hanging the API request that committed it.
        client = redis.Redis.from_url(
            url or "", socket_connect_timeout=REDIS_SOCKET_TIMEOUT, socket_timeout=REDIS_SOCKET_TIMEOUT
        )
        return RedisBroker(  # type: ignore[no-untyped-call]
            client=client,
            namespace=namespace,
            middleware=middleware,
            heartbeat_timeout=REDIS_HEARTBEAT_TIMEOUT_MS,
        )
    if kind == "rabbitmq":
        return RabbitmqBroker(url=url, middleware=middleware, confirm_delivery=True)
    return StubBroker(middleware=middleware)
