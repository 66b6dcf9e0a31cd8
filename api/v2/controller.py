"""The /api/v2 route: one handler for `/api/v2` and `/api/v2/`, GET and POST, always HTTP 200 JSON."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, route
from litestar.di import NamedDependency
from litestar.enums import HttpMethod

from api.v2.actions import SmmApiV2

# Large enough for 1500 custom comments, urlencoded; a bigger body is refused before it is read whole.
MAX_BODY_BYTES = 1024 * 1024


class SmmApiV2Controller(Controller):
    """The SMM API v2 endpoint. Litestar serves `/api/v2/` by the same route, without a redirect."""

    path = "/api/v2"

    @route(
        "/",
        http_method=[HttpMethod.GET, HttpMethod.POST],
        status_code=200,
        # One id per method: OpenAPI operation ids must be unique, and this route serves GET and POST.
        operation_id=lambda _handler, method, _path: f"smmApiV2{method.title()}",
        request_max_body_size=MAX_BODY_BYTES,
        summary="SMM API v2 (Perfect Panel compatible)",
    )
    async def call(
        self, request: Request[Any, Any, Any], smm_api: NamedDependency[SmmApiV2]
    ) -> Response[bytes]:
        """Run the `action` named in the query string, form or JSON body; see docs/api-v2.md."""
        payload = await smm_api.handle(request)
        return Response(msgspec.json.encode(payload), media_type=MediaType.JSON, status_code=200)
