"""Dependencies the REST controllers declare: the context, the caller and the page asked for."""

from __future__ import annotations

from litestar.di import Provide

from api.rest.auth import provide_principal
from api.rest.paging import page_request

PRINCIPAL = Provide(provide_principal, sync_to_thread=False)
PAGE = Provide(page_request, sync_to_thread=False)
