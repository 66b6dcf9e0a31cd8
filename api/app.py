"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import msgspec
from litestar import Litestar, MediaType, Request, Response
from litestar.di import Provide
from litestar.exceptions import HTTPException

import core.models  # noqa: F401  (every mapper registered: an Order's foreign keys name other tables)
from api.rest.errors import error_response
from api.rest.router import RestApi
from api.v2.actions import SmmApiV2
from api.v2.controller import SmmApiV2Controller
from api.v2.errors import error_message
from core.db.database import Database
from core.settings import Settings

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[Any]]
V2_PATH = "/api/v2"


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Errors Litestar raises before a handler runs (405, 413...): SMM clients on /api/v2 still get
    HTTP 200 with `{"error": ...}`; every other path keeps its real status code."""
    if request.scope["path"].rstrip("/") == V2_PATH:
        body = msgspec.json.encode({"error": error_message(exc)})
        return Response(body, media_type=MediaType.JSON, status_code=200)
    return error_response(exc)  # the REST error shape everywhere else


def create_app(
    db: Database,
    settings: Settings,
    *,
    lifespan: Sequence[Lifespan] = (),
    debug: bool = False,
    registry: Any = None,
) -> Litestar:
    """The panel's HTTP application on `db`.

    The caller owns `db`; `lifespan` context managers run around the application's life (the server
    passes one that disposes the database, and background services that run beside the API).
    """
    smm_api = SmmApiV2(db, settings)
    rest = RestApi(db, settings, registry=registry)  # `registry` None: adapters load from the environment
    return Litestar(
        route_handlers=[SmmApiV2Controller, rest.router],
        dependencies={"smm_api": Provide(lambda: smm_api, sync_to_thread=False, use_cache=True)},
        exception_handlers={HTTPException: _http_error},
        lifespan=[*lifespan, rest.lifespan],
        openapi_config=rest.openapi_config,
        cors_config=rest.cors_config,
        # Logging is configured once per process by core.logs (with secret redaction); Litestar's own
        # default config would add a second handler bound to whatever stderr was at app creation.
        logging_config=None,
        debug=debug,
    )
