"""The fake provider as a plain ASGI app: `/api/v2` (and `/api/v2/`) plus `/_control/*` for tests.

Plain ASGI rather than a framework because the faults need byte-level control (truncated JSON, HTML
pages, answering nothing at all) and the benchmark pushes ~1000 multi-status requests per second through.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from providers.fake_server import api
from providers.fake_server.control import FakeProviderControl
from providers.fake_server.control_routes import control_request
from providers.fake_server.faults import HTML_ERROR_PAGE, Faults

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HANG_LIMIT_SECONDS = 30.0  # a hanging request gives up eventually, so no test can wedge the server
_JSON = b"application/json"


class FakeProviderApp:
    """ASGI app serving one `FakeProviderControl`."""

    def __init__(self, control: FakeProviderControl) -> None:
        self.control = control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        body = await _read_body(receive)
        if path in ("/api/v2", "/api/v2/"):
            await self._api(scope, body, receive, send)
        elif path.startswith("/_control/"):
            status, payload = control_request(self.control, scope["method"], path, body)
            await _send(send, status, msgspec.json.encode(payload), _JSON)
        else:
            await _send(send, 404, b'{"error":"Not found"}', _JSON)

    async def _api(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        params = api.canonical(_merged_params(scope, body))
        latency = self.control.faults.latency_ms
        if latency:
            await asyncio.sleep(latency / 1000)
        action = params.get("action", "").strip()
        failure = self.control.take_failure(action)
        if failure is None:
            await _send(send, 200, self._answer(params), _JSON)
            return
        if failure.hang_add and action == "add":
            self._answer(params)  # the order is created; the reply never comes
            await self._hang(receive)
            return
        if failure.hang:
            await self._hang(receive)
            return
        if failure.after_processing:
            self._answer(params)
        await _send_failure(send, failure)

    def _answer(self, params: dict[str, str]) -> bytes:
        with self.control.lock:
            return msgspec.json.encode(api.answer(self.control, params))

    async def _hang(self, receive: Receive) -> None:
        """Keep the request open, answering nothing, until the client gives up or the server stops."""
        disconnect = asyncio.ensure_future(_wait_disconnect(receive))
        released = asyncio.ensure_future(self.control.wait_released(HANG_LIMIT_SECONDS))
        try:
            await asyncio.wait({disconnect, released}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            disconnect.cancel()
            released.cancel()


async def _send_failure(send: Send, failure: Faults) -> None:
    if failure.http_500:
        await _send(send, 500, b"Internal Server Error", b"text/plain")
    elif failure.html_error:
        page = HTML_ERROR_PAGE.format(status=failure.html_status).encode()
        await _send(send, failure.html_status, page, b"text/html; charset=UTF-8")
    elif failure.malformed_json:
        await _send(send, 200, b'{"status": "success", "data": [{"order": 1, "rem', _JSON)
    elif failure.empty_body:
        await _send(send, 200, b"", _JSON)
    else:
        payload = msgspec.json.encode({"error": failure.error_message or "error"})
        await _send(send, failure.error_status, payload, _JSON)


def _merged_params(scope: Scope, body: bytes) -> dict[str, str]:
    """Query string and body (form or JSON) merged, the body winning, `+` decoded as a space."""
    params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    headers = dict(scope.get("headers", []))
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            decoded = json.loads(text) if text.strip() else {}
        except ValueError:
            decoded = {}
        if isinstance(decoded, dict):
            params.update({str(k): "" if v is None else str(v) for k, v in decoded.items()})
    elif text:
        params.update(parse_qsl(text, keep_blank_values=True))
    return params


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _send(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
