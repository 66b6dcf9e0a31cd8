"""Schemathesis against the app's own OpenAPI document: every REST operation, generated requests, as an
admin on admin routes and as a customer elsewhere; no 5xx and every response as documented.

The app is served by uvicorn on a free loopback port from this test's event loop (where the database
fixture's connections live); Schemathesis makes its blocking calls from a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import asynccontextmanager
from typing import Any

import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.specs.openapi.schemas import OpenApiSchema

from api.app import create_app
from core.db.database import Database
from core.orders.domain import OrderState
from providers.fake_server.runner import bind_socket
from providers.registry import AdapterRegistry
from tests.rest.builders import Catalog, advance, place
from tests.rest.conftest import Actor, rest_settings

# Valid requests, then requests that break the schema (wrong types, missing fields...): both must get a
# documented answer, never a 5xx. Bounded so each database's run stays well under a minute.
MODES = ((GenerationMode.POSITIVE, 6), (GenerationMode.NEGATIVE, 3))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
# Run last: they lock keys out (revoke, rotate) or remove what other operations would exercise.
LAST = ("revoke", "rotate", "delete")


@asynccontextmanager
async def serving(db: Database, registry: AdapterRegistry) -> Any:
    """The whole app on http://127.0.0.1:<free port>, served from this event loop."""
    sock = bind_socket("127.0.0.1", 0)
    app = create_app(db, rest_settings(), registry=registry)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        host, port = sock.getsockname()[:2]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


def _operations(schema: OpenApiSchema) -> Iterator[Any]:
    found = [result.ok() for result in schema.exclude(path_regex=r"^/api/v2").get_all_operations()]
    return iter(sorted(found, key=lambda op: (any(word in op.label.lower() for word in LAST), op.label)))


def _exercise(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    base_url: str,
    headers: dict[str, str],
    session: requests.Session,
) -> None:
    """Generated cases for one operation; raises on the first failed check."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case: Any) -> None:
        case.call_and_validate(base_url=base_url, session=session, headers=headers, checks=CHECKS)

    exercise()


def fuzz(base_url: str, admin_key: str, customer_key: str) -> tuple[int, dict[str, str]]:
    """Run every operation; how many ran, and the failures by operation."""
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    failures: dict[str, str] = {}
    ran = 0
    with requests.Session() as session:
        for operation in _operations(schema):
            key = admin_key if operation.path.startswith("/api/admin") else customer_key
            ran += 1
            for mode, examples in MODES:
                try:
                    _exercise(
                        operation, mode, examples, base_url, {"Authorization": f"Bearer {key}"}, session
                    )
                except BaseException as exc:  # Schemathesis reports failures as an ExceptionGroup
                    if isinstance(exc, KeyboardInterrupt | SystemExit):
                        raise
                    failures[f"{operation.label} ({mode.value})"] = str(exc)[:3000]
    return ran, failures


async def test_the_api_matches_its_schema(
    db: Database, registry: AdapterRegistry, admin: Actor, alice: Actor, catalog: Catalog
) -> None:
    # Some real objects, so generated ids sometimes hit something (ids are small integers here).
    order = await place(db, alice.id, catalog.followers)
    await advance(db, order, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.1")
    await advance(
        db, await place(db, alice.id, catalog.likes), OrderState.UNKNOWN, provider_id=catalog.provider_id
    )
    async with serving(db, registry) as base_url:
        ran, failures = await asyncio.to_thread(fuzz, base_url, admin.key, alice.key)
    assert ran >= 55
    assert failures == {}
