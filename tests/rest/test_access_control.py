"""Access control over every REST route, generated from the app's own route list.

- no key, a malformed header or an unknown key → 401 on every route;
- a customer key on every admin route → 403;
- customer B on any of customer A's objects → 404, exactly as for an id that does not exist, and
  nothing changes; A on the same URL is not 404;
- every customer route with a path parameter must be classified in `access.CUSTOMER_ID_ROUTES`.
"""

from __future__ import annotations

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from core.db.database import Database
from core.orders.domain import OrderState
from core.orders.models import CancelRequest, Refill
from tests.rest.access import CUSTOMER_ID_ROUTES, Endpoint, rest_endpoints
from tests.rest.builders import Catalog, advance, place
from tests.rest.conftest import Actor, ClientFactory

# Values for path parameters where any value will do (the request is refused before it is looked up).
ANY_VALUE = {"currency": "EUR"}


def _any(endpoint: Endpoint) -> str:
    return endpoint.url({name: ANY_VALUE.get(name, 1) for name in endpoint.params})


def test_the_route_list_is_complete_and_classified(app: Litestar) -> None:
    endpoints = list(rest_endpoints(app))
    assert len(endpoints) >= 50
    unclassified = [
        str(e)
        for e in endpoints
        if e.params and not e.is_admin and (e.method, e.path) not in CUSTOMER_ID_ROUTES
    ]
    assert unclassified == [], "classify these customer routes in tests/rest/access.py"
    stale = set(CUSTOMER_ID_ROUTES) - {(e.method, e.path) for e in endpoints}
    assert stale == set()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
    ids=["none", "unknown", "basic", "empty"],
)
async def test_every_route_needs_a_key(app: Litestar, client: ClientFactory, headers: dict[str, str]) -> None:
    async with client() as http:
        refused = {}
        for endpoint in rest_endpoints(app):
            response = await http.request(endpoint.method, _any(endpoint), headers=headers, json={})
            if response.status_code != 401 or response.json()["error"]["code"] != "unauthorized":
                refused[str(endpoint)] = response.status_code
            elif response.headers.get("www-authenticate") != "Bearer":
                refused[str(endpoint)] = "no WWW-Authenticate"
    assert refused == {}


async def test_customer_keys_are_refused_on_every_admin_route(
    app: Litestar, client: ClientFactory, alice: Actor
) -> None:
    admin_routes = [e for e in rest_endpoints(app) if e.is_admin]
    assert len(admin_routes) >= 40
    async with client(alice) as http:
        wrong = {}
        for endpoint in admin_routes:
            response = await http.request(endpoint.method, _any(endpoint), json={})
            if response.status_code != 403 or response.json()["error"]["code"] != "forbidden":
                wrong[str(endpoint)] = response.status_code
    assert wrong == {}


async def _open_requests(db: Database) -> tuple[int, int]:
    async with db.transaction() as session:
        refills = await session.scalar(select(func.count()).select_from(Refill))
        cancels = await session.scalar(select(func.count()).select_from(CancelRequest))
    return int(refills or 0), int(cancels or 0)


async def test_another_customers_objects_are_not_found(
    app: Litestar, client: ClientFactory, alice: Actor, bob: Actor, catalog: Catalog, db: Database
) -> None:
    done = await place(db, alice.id, catalog.followers)
    await advance(db, done, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.1")
    async with client(alice) as http:
        refill_id = (await http.post(f"/api/orders/{done}/refill")).json()["id"]
    owned = {"order": {"order_id": done}, "refill": {"refill_id": refill_id}}
    shared = {"shared": {"service_id": catalog.followers}}
    before = await _open_requests(db)
    routes = [e for e in rest_endpoints(app) if (e.method, e.path) in CUSTOMER_ID_ROUTES]
    leaks, blind = {}, {}
    for endpoint in routes:
        kind = CUSTOMER_ID_ROUTES[(endpoint.method, endpoint.path)]
        url = endpoint.url({**owned, **shared}[kind])
        async with client(bob) as http:
            as_bob = await http.request(endpoint.method, url)
            nonexistent = await http.request(
                endpoint.method, endpoint.url(dict.fromkeys(endpoint.params, 2_000_000))
            )
        async with client(alice) as http:
            as_alice = await http.request(endpoint.method, url)
        if kind == "shared":
            if as_bob.status_code != 200:
                leaks[str(endpoint)] = as_bob.status_code
            continue
        if as_bob.status_code != 404 or as_bob.json()["error"] != nonexistent.json()["error"]:
            leaks[str(endpoint)] = (as_bob.status_code, as_bob.text)
        if as_alice.status_code == 404:
            blind[str(endpoint)] = as_alice.text
    assert leaks == {}
    assert blind == {}
    # Bob's refill and cancel attempts on Alice's order changed nothing (Alice's own cancel of a
    # completed order is refused too).
    assert await _open_requests(db) == before
    async with client(bob) as http:
        listed = [
            (await http.get(path)).json()["total"]
            for path in ("/api/orders", "/api/refills", "/api/account/ledger")
        ]
    assert listed == [0, 0, 1]  # Bob sees only his own opening deposit
