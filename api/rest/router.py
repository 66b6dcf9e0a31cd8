"""Assembles the REST API: the /api router, its authentication, the OpenAPI document and CORS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from api.rest.account import AccountController
from api.rest.admin.customers import CustomersController
from api.rest.admin.orders import AdminOrdersController
from api.rest.admin.pricing import PricingController
from api.rest.admin.providers import ProvidersController, ProviderServicesController
from api.rest.admin.reports import ReportsController
from api.rest.admin.services import CatalogChangesController, ServicesController
from api.rest.auth import BearerAuthentication, admin_only
from api.rest.catalog import CatalogController
from api.rest.context import RestContext, Upstream
from api.rest.errors import handle_error
from api.rest.orders import OrdersController, RefillsController
from core.db.database import Database
from core.settings import Settings

REST_PATH = "/api"
SECURITY_SCHEME = "BearerApiKey"


class RestApi:
    """The REST API of one application: `router` to mount, plus its OpenAPI, CORS and lifespan parts."""

    def __init__(self, db: Database, settings: Settings, *, registry: Any = None) -> None:
        self.context = RestContext(db, settings, Upstream(settings.provider_timeout_seconds, registry))
        context = self.context
        admin = Router(
            "/admin",
            route_handlers=[
                ProvidersController,
                ProviderServicesController,
                ServicesController,
                CatalogChangesController,
                PricingController,
                CustomersController,
                AdminOrdersController,
                ReportsController,
            ],
            guards=[admin_only],
        )
        self.router = Router(
            REST_PATH,
            route_handlers=[CatalogController, AccountController, OrdersController, RefillsController, admin],
            dependencies={"ctx": Provide(lambda: context, sync_to_thread=False, use_cache=True)},
            middleware=[DefineMiddleware(BearerAuthentication, context=context)],
            exception_handlers={Exception: handle_error},
            security=[{SECURITY_SCHEME: []}],
        )

    @property
    def openapi_config(self) -> OpenAPIConfig:
        """The OpenAPI document at /schema (JSON at /schema/openapi.json), with Scalar and Swagger UI."""
        return OpenAPIConfig(
            title="reseller-panel",
            version="1.0.0",
            description=(
                "REST API for storefronts (/api/catalog, /api/account, /api/orders, /api/refills) and the "
                "reseller's admin (/api/admin/...). Send `Authorization: Bearer <api key>`. Errors are "
                '`{"error": {"code", "message"}}`. Money is a decimal string. The SMM API v2 lives at /api/v2.'
            ),
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
            components=Components(
                security_schemes={
                    SECURITY_SCHEME: SecurityScheme(
                        type="http", scheme="bearer", description="a customer's or an admin's API key"
                    )
                }
            ),
            use_handler_docstrings=True,
        )

    @property
    def cors_config(self) -> CORSConfig | None:
        """CORS for the storefront's origins (PANEL_CORS_ORIGINS); none configured means no CORS headers."""
        origins = self.context.settings.cors_origins
        if not origins:
            return None
        return CORSConfig(
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Idempotent-Replayed"],
            max_age=600,
        )

    @asynccontextmanager
    async def lifespan(self, _app: Litestar) -> AsyncIterator[None]:
        """Closes the HTTP client admin actions opened to call providers."""
        try:
            yield
        finally:
            await self.context.upstream.close()
