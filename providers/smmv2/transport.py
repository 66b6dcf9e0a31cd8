"""One HTTP exchange with an SMM API v2 provider, and what its failures mean.

Every request has a total deadline (`asyncio.timeout` around connect, send and the whole body, because
httpx's own timeouts apply per chunk), is sent to the URL exactly as configured and never follows a
redirect (curl and requests turn a redirected POST into a GET without its body). Failures are classified
by whether the request may have reached the provider: before that point they are `ProviderUnavailable`,
after it an `add` becomes `OutcomeUnknown` while a read-only call stays `ProviderUnavailable`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import httpx
import msgspec

from providers.errors import (
    OutcomeUnknown,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    RejectReason,
    classify_rejection,
    redact,
    says_try_later,
)
from providers.secret import ApiKey
from providers.smmv2.values import error_text

# Errors raised before any byte of the request could have left this process.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class Reply(msgspec.Struct, frozen=True):
    """A decoded JSON answer: HTTP status and payload (Decimal for every JSON float)."""

    action: str
    http_status: int
    payload: Any


class UnusableReply(Exception):
    """A JSON answer whose shape could not be read; the adapter turns it into a provider error."""


class _RedactQueryFilter(logging.Filter):
    """httpx logs every request URL at INFO; in GET mode the API key is in that URL's query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(
                a.copy_with(query=b"redacted") if isinstance(a, httpx.URL) and a.query else a
                for a in record.args
            )
        return True


def _install_log_redaction() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactQueryFilter) for f in logger.filters):
        logger.addFilter(_RedactQueryFilter())


_install_log_redaction()


def _decode(text: str) -> Any:
    # parse_float=Decimal keeps "rate": 0.9 exact; NaN/Infinity are not money, so they become None.
    return json.loads(text, parse_float=Decimal, parse_constant=lambda _name: None)


class Transport:
    """Sends `action` requests to one provider URL and returns decoded replies or raises `ProviderError`."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        http: httpx.AsyncClient,
        timeout: float,
        method: Literal["POST", "GET"] = "POST",
        body: Literal["form", "json"] = "form",
        key_param: str = "key",
    ) -> None:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ValueError(f"invalid provider URL: {exc}") from None
        if parsed.scheme not in ("http", "https"):
            raise ValueError("provider URL must start with http:// or https://")
        self._url = url
        self._where = parsed.host
        self._api_key = ApiKey(api_key)
        self._http = http
        self._timeout = timeout
        self._method = method
        self._body = body
        self._key_param = key_param

    def __repr__(self) -> str:
        return f"<Transport {self._method} {self._where!r}>"

    async def call(self, action: str, params: Mapping[str, str], *, safe: bool) -> Reply:
        """Send one request; `safe` is False for calls that must not be repeated blindly (`add`)."""
        fields = {self._key_param: self._api_key.reveal(), "action": action, **params}
        reached_wire = False
        traced = False

        async def trace(event: str, _info: Mapping[str, Any]) -> None:
            nonlocal reached_wire, traced
            traced = True
            if event.endswith("send_request_headers.started"):
                reached_wire = True

        # httpx's pool timeout is kept below the total deadline so that waiting for a free connection
        # surfaces as PoolTimeout ("nothing sent") rather than as an ambiguous deadline expiry.
        per_phase = httpx.Timeout(self._timeout, pool=self._timeout * 0.8)
        kwargs: dict[str, Any] = {
            "timeout": per_phase,
            "follow_redirects": False,
            "extensions": {"trace": trace},
            "headers": {"Accept": "application/json"},
        }
        if self._method == "GET":
            kwargs["params"] = fields
        elif self._body == "json":
            kwargs["json"] = fields
        else:
            kwargs["data"] = fields
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._http.request(self._method, self._url, **kwargs)
        except _NOT_SENT as exc:
            raise ProviderUnavailable(
                self._say(action, f"could not connect ({type(exc).__name__})")
            ) from None
        except (httpx.TransportError, TimeoutError) as exc:
            # The trace says whether request bytes could have left; without trace events (a custom or
            # mock transport) we cannot tell, so assume they did.
            sent = reached_wire or not traced
            what = "no answer within the deadline" if isinstance(exc, TimeoutError) else type(exc).__name__
            if not sent:
                raise ProviderUnavailable(self._say(action, f"{what} before sending")) from None
            raise self._lost(action, f"request sent, {what}", safe=safe) from None
        return self._read(action, response, safe=safe)

    def _read(self, action: str, response: httpx.Response, *, safe: bool) -> Reply:
        status = response.status_code
        if 300 <= status < 400:
            # Nothing was processed at the configured URL; the operator must configure the final one.
            location = httpx.URL(response.headers.get("location", "")).copy_with(query=None)
            raise ProviderUnavailable(
                self._say(action, f"HTTP {status} redirect to {location}; not followed")
            )
        if status == 429:
            raise ProviderUnavailable(self._say(action, "HTTP 429 too many requests"))
        text = response.text.lstrip("\ufeff").strip()
        try:
            payload = _decode(text) if text else None
        except ValueError:
            payload = None
        if payload is None:
            kind = response.headers.get("content-type", "no content type").split(";")[0]
            detail = f"HTTP {status}, {'empty body' if not text else 'non-JSON ' + kind}"
            raise self._lost(action, detail, safe=safe)
        return Reply(action=action, http_status=status, payload=payload)

    def top_error(self, reply: Reply) -> str | None:
        """The provider's error text when the reply is a top-level error, else None (key redacted)."""
        payload = reply.payload
        if not isinstance(payload, dict):
            return None
        message = error_text(payload.get("error"))
        if message is None and reply.http_status >= 400:
            # Laravel-style clones answer 4xx/5xx with {"message": ...} instead of {"error": ...}.
            message = error_text(payload.get("message"))
        return redact(message, self._api_key.reveal()) if message is not None else None

    def raise_for_error(self, reply: Reply, *, safe: bool) -> None:
        """Raise the provider error a top-level `error` means, whatever the HTTP status.

        A JSON reply without an error is trusted at any status (reference §5.1.2: parse JSON bodies on
        4xx/5xx); if its shape is wrong, the parser's `UnusableReply` decides instead.
        """
        message = self.top_error(reply)
        if message is not None:
            raise self.error_for(reply, message, safe=safe)

    def error_for(self, reply: Reply, message: str, *, safe: bool) -> ProviderError:
        """The exception for a top-level error `message` in `reply`."""
        if says_try_later(message):
            return ProviderUnavailable(self._say(reply.action, message))
        reason = classify_rejection(message)
        if reply.http_status >= 500 and reason is RejectReason.OTHER:
            # A server error with a vague message: for `add` we cannot tell if the order was placed.
            return self._lost(reply.action, f"HTTP {reply.http_status}: {message}", safe=safe)
        return ProviderRejected(reason, message)

    def unusable(self, reply: Reply, problem: str, *, safe: bool) -> ProviderError:
        """The exception for a JSON reply whose shape could not be understood."""
        return self._lost(reply.action, f"unreadable reply ({problem})", safe=safe)

    def _lost(self, action: str, detail: str, *, safe: bool) -> ProviderError:
        message = self._say(action, detail)
        return ProviderUnavailable(message) if safe else OutcomeUnknown(message)

    def _say(self, action: str, detail: str) -> str:
        return redact(f"provider {self._where} action={action}: {detail}", self._api_key.reveal())
