"""The route list the access-control tests are generated from, and how each kind of route is protected.

Every REST route comes from the app itself. Admin routes (under /api/admin) are protected by rule; each
customer route that takes an id must be listed in CUSTOMER_ID_ROUTES with what the id names, so a new
route cannot slip past the "another customer's object is 404" check unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute

ADMIN_PREFIX = "/api/admin"
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

# What each customer route with an id refers to: an object the caller owns ("order", "refill"), or
# something every customer may see ("service": the catalog is the same for all).
CUSTOMER_ID_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/orders/{order_id:int}"): "order",
    ("POST", "/api/orders/{order_id:int}/refill"): "order",
    ("POST", "/api/orders/{order_id:int}/cancel"): "order",
    ("GET", "/api/refills/{refill_id:int}"): "refill",
    ("GET", "/api/catalog/services/{service_id:int}"): "shared",
}


@dataclass(frozen=True)
class Endpoint:
    """One method on one route of the REST API."""

    method: str
    path: str

    @property
    def is_admin(self) -> bool:
        """Whether the route is an admin route."""
        return self.path.startswith(ADMIN_PREFIX)

    @property
    def params(self) -> list[str]:
        """Names of its path parameters."""
        return [match.group(1) for match in _PARAM.finditer(self.path)]

    def url(self, values: Mapping[str, object]) -> str:
        """The path with its parameters filled in."""
        return _PARAM.sub(lambda match: str(values[match.group(1)]), self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def rest_endpoints(app: Litestar) -> Iterator[Endpoint]:
    """Every method of every route under /api, except the SMM API v2 (always HTTP 200, its own auth)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        if route.path.startswith("/api/v2"):
            continue
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            yield Endpoint(method, route.path)
