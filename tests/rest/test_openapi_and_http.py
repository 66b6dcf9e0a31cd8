"""The published schema, CORS for the storefront, and the one error shape for requests that match no
handler."""

from __future__ import annotations

from litestar import Litestar

from tests.rest.access import rest_endpoints
from tests.rest.conftest import Actor, ClientFactory


async def test_every_operation_is_documented(app: Litestar, client: ClientFactory) -> None:
    async with client() as http:
        document = (await http.get("/schema/openapi.json")).json()
        scalar = await http.get("/schema")
        swagger = await http.get("/schema/swagger")
    operations = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        if path.startswith("/api/") and not path.startswith("/api/v2")
        for method, operation in item.items()
    }
    assert len(operations) == len(list(rest_endpoints(app)))
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(set(ids)) == len(ids)
    undocumented = [
        key for key, operation in operations.items() if len(operation.get("description", "")) < 20
    ]
    assert undocumented == []
    unprotected = [
        key for key, operation in operations.items() if operation.get("security") != [{"BearerApiKey": []}]
    ]
    assert unprotected == []
    assert document["components"]["securitySchemes"]["BearerApiKey"]["scheme"] == "bearer"
    assert scalar.status_code == 200
    assert "text/html" in scalar.headers["content-type"]
    assert swagger.status_code == 200


async def test_cors_for_the_storefront_origin(client: ClientFactory, alice: Actor) -> None:
    preflight = {
        "Origin": "https://shop.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }
    async with client() as http:
        allowed = await http.options("/api/orders", headers=preflight)
        other = await http.options("/api/orders", headers={**preflight, "Origin": "https://evil.example"})
    async with client(alice) as http:
        simple = await http.get("/api/account", headers={"Origin": "https://shop.example"})
    assert allowed.status_code in (200, 204)
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert "idempotency-key" in allowed.headers["access-control-allow-headers"].lower()
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"
    assert simple.headers["access-control-allow-origin"] == "https://shop.example"
    assert "Idempotent-Replayed" in simple.headers["access-control-expose-headers"]


async def test_requests_that_match_no_handler_get_the_same_error_shape(
    client: ClientFactory, alice: Actor
) -> None:
    async with client(alice) as http:
        unknown = await http.get("/api/nothing-here")
        wrong_method = await http.delete("/api/orders")
        not_json = await http.post(
            "/api/orders", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        v2 = await http.delete("/api/v2")
    assert unknown.status_code == 404
    assert unknown.json() == {"error": {"code": "not_found", "message": "Not Found"}}
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "bad_request"
    # The SMM API v2 keeps its own convention: HTTP 200 and {"error": "..."}.
    assert v2.status_code == 200
    assert set(v2.json()) == {"error"}
