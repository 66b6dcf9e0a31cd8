"""A scripted provider for wire tests: exact reply bytes in, recorded requests out (httpx.MockTransport)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx

from providers.base import ProviderAdapter
from providers.smmv2.adapter import SmmV2Adapter

KEY = "replay-secret-key-7Hq2"
URL = "https://panel.example/api/v2"


@dataclass
class Scripted:
    """One canned reply: body bytes, HTTP status, content type."""

    body: bytes
    status: int = 200
    content_type: str = "application/json"


@dataclass
class Replay:
    """Answers each request with the next scripted reply (the last one repeats) and records requests."""

    replies: list[Scripted | Callable[[httpx.Request], httpx.Response]]
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if not isinstance(reply, Scripted):
            return reply(request)
        headers = {"content-type": reply.content_type} if reply.content_type else {}
        return httpx.Response(reply.status, content=reply.body, headers=headers)

    def form(self, index: int = -1) -> dict[str, str]:
        """The parameters of a recorded request: its form body, or its query string for GET."""
        request = self.requests[index]
        if request.method == "GET":
            return dict(request.url.params)
        return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def replay(
    *bodies: bytes | Scripted | Callable[[httpx.Request], httpx.Response],
    adapter_class: type[ProviderAdapter] = SmmV2Adapter,
    settings: dict[str, Any] | None = None,
    url: str = URL,
    timeout: float = 5,
) -> tuple[Any, Replay]:
    """An adapter wired to a `Replay` of `bodies`, and the replay to inspect."""
    script = Replay([Scripted(b) if isinstance(b, bytes) else b for b in bodies])
    client = httpx.AsyncClient(transport=httpx.MockTransport(script.handle), follow_redirects=False)
    adapter = adapter_class(base_url=url, api_key=KEY, http=client, timeout=timeout, settings=settings)
    return adapter, script
