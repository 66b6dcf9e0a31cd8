"""How /api/v2 is reached: paths, methods, body encodings, merging, and errors that are always HTTP 200."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

import api.v2.actions
from core.db.database import Database
from core.orders.models import Order
from core.users import service as users
from tests.api.builders import make_service, snapshot
from tests.api.conftest import ClientFactory

LINK = "https://instagram.com/p/abc"


async def stored_order(db: Database) -> Order:
    async with db.transaction() as session:
        return (await session.scalars(select(Order))).one()


@pytest.mark.parametrize("path", ["/api/v2", "/api/v2/"])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_both_paths_and_methods_are_served_directly(
    v2_client: ClientFactory, customer: tuple[int, str], path: str, method: str
) -> None:
    _, key = customer
    async with v2_client(key) as client:
        params = {"key": key, "action": "balance"}
        kwargs: dict[str, Any] = {"params": params} if method == "GET" else {"data": params}
        response = await client.http.request(method, path, **kwargs)
    assert response.status_code == 200  # no redirect: a redirected POST would lose its body
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"balance": "100.00000", "currency": "USD"}


async def test_json_and_multipart_bodies_are_accepted(
    v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    async with v2_client(key) as client:
        assert await client.raw(json={"key": key, "action": "balance"}) == {
            "balance": "100.00000",
            "currency": "USD",
        }
        assert await client.raw(
            data={"key": key, "action": "balance"}, files={"unused": ("a.txt", b"x")}
        ) == {
            "balance": "100.00000",
            "currency": "USD",
        }
        # A hand-built body without a content type (some PHP clients) is read as a form.
        body = f"key={key}&action=balance".encode()
        assert await client.raw(content=body, headers={"content-type": ""}) == {
            "balance": "100.00000",
            "currency": "USD",
        }


async def test_query_and_body_are_merged_and_the_body_wins(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db)
    async with v2_client(key) as client:
        reply = await client.raw(
            "POST",
            f"/api/v2?key={key}&action=add&service={service}&quantity=999999&link=from-query",
            # Hand-built like the PHP class's body: a literal `+` is a space, %2B a plus.
            content=b"quantity=100&link=https://x.com/a+b%2Bc",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert reply == {"order": reply["order"]}
    order = await stored_order(db)
    assert (order.quantity, order.link) == (100, "https://x.com/a b+c")


async def test_json_bodies_with_numbers_and_id_lists(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db)
    async with v2_client(key, "perfectpanel") as client:
        placed = await client.raw(
            json={"key": key, "action": "add", "service": service, "link": LINK, "quantity": 100}
        )
        reply = await client.raw(json={"key": key, "action": "status", "orders": [placed["order"], 77]})
    assert set(reply) == {str(placed["order"]), "77"}


JSON_TYPE = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda key: {"data": {"action": "balance"}}, "Incorrect API key"),
        (lambda key: {"data": {"key": "", "action": "balance"}}, "Incorrect API key"),
        (lambda key: {"data": {"key": "0" * 32, "action": "balance"}}, "Incorrect API key"),
        (lambda key: {"data": {"key": "x" * 5000, "action": "balance"}}, "Incorrect API key"),
        (lambda key: {"data": {"key": key, "action": "fly"}}, "Incorrect request"),
        (lambda key: {"data": {"key": key}}, "Incorrect request"),
        (lambda key: {"content": b'{"key": ', "headers": JSON_TYPE}, "Incorrect request"),
        (lambda key: {"content": b'["key"]', "headers": JSON_TYPE}, "Incorrect request"),
        (lambda key: {"json": {"key": key, "action": "status", "order": {"id": 1}}}, "Incorrect request"),
        # No id at all, or a batch of only separators: one not-found error, and no request is created.
        (lambda key: {"data": {"key": key, "action": "status"}}, "Incorrect order ID"),
        (lambda key: {"data": {"key": key, "action": "status", "orders": " , ,"}}, "Incorrect order ID"),
        (lambda key: {"data": {"key": key, "action": "refill", "order": " "}}, "Incorrect order ID"),
        (lambda key: {"data": {"key": key, "action": "refill", "orders": ","}}, "Incorrect order ID"),
        (lambda key: {"data": {"key": key, "action": "cancel"}}, "Incorrect order ID"),
        (lambda key: {"data": {"key": key, "action": "cancel", "orders": ",,"}}, "Incorrect order ID"),
        (lambda key: {"data": {"key": key, "action": "refill_status"}}, "Refill not found"),
        (lambda key: {"data": {"key": key, "action": "refill_status", "refills": ","}}, "Refill not found"),
    ],
)
async def test_request_level_errors(
    db: Database,
    v2_client: ClientFactory,
    customer: tuple[int, str],
    build: Callable[[str], dict[str, Any]],
    message: str,
) -> None:
    _, key = customer
    before = await snapshot(db)
    async with v2_client(key) as client:
        assert await client.raw(**build(key)) == {"error": message}
    assert await snapshot(db) == before


async def test_a_revoked_key_gets_the_same_error_as_an_unknown_one(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    async with db.transaction() as session:
        new_key = await users.rotate_key(session, "buyer@example.com")
    async with v2_client(key) as client:
        assert await client.call("balance") == {"error": "Incorrect API key"}
        assert await client.call("balance", key=new_key) == {"balance": "100.00000", "currency": "USD"}


async def test_other_methods_and_oversized_bodies_still_get_http_200_json(
    v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    async with v2_client(key) as client:
        assert await client.raw("PUT", f"/api/v2?key={key}&action=balance") == {"error": "Incorrect request"}
        huge = {"key": key, "action": "add", "comments": "x" * (2 * 1024 * 1024)}
        assert await client.raw(data=huge) == {"error": "Incorrect request: the request body is too large"}
        # Other paths keep ordinary HTTP semantics.
        response = await client.http.get("/api/v3")
        assert response.status_code == 404


async def test_an_unexpected_fault_is_an_error_reply_and_a_log_line_without_the_key(
    v2_client: ClientFactory,
    customer: tuple[int, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    _, key = customer

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"database exploded while serving {key}")

    monkeypatch.setattr(api.v2.actions, "services_for_customer", broken)
    async with v2_client(key) as client:
        with caplog.at_level(logging.DEBUG):
            assert await client.call("services") == {"error": "Internal error, please try again later"}
    logged = caplog.text + "".join(capfd.readouterr())
    assert "api_v2_unexpected_error" in logged
    assert "RuntimeError" in logged
    assert key not in logged


def test_the_app_module_alone_knows_every_table() -> None:
    # A process that imports only api.app (a bare uvicorn, the benchmark) must still be able to flush an
    # Order, whose foreign keys name tables of other features.
    probe = (
        "import api.app\n"
        "from core.db.base import Base\n"
        "print(sorted({fk.column.table.name for t in Base.metadata.tables.values() for fk in t.foreign_keys}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "providers" in done.stdout
