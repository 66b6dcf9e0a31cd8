"""Fault switches of the fake provider, settable in-process or over `POST /_control/faults`."""

from __future__ import annotations

from typing import Annotated

import msgspec

Share = Annotated[float, msgspec.Meta(ge=0, le=1)]


class Faults(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the fake provider does wrong. The default instance does nothing wrong.

    `latency_ms` delays every API request (with `asyncio.sleep`, so thousands can wait at once).
    The failure switches below apply to requests whose action is in `actions` (every action when None),
    for the next `times` such requests (forever when None), and are checked in this order:

    - `hang`: never answer and do nothing; `hang_add`: perform `add`, then never answer (the classic
      "timeout after the order was accepted"; applies to `add` whatever `actions` says).
    - `http_500`: an HTTP 500 with a JSON error; `html_error`: an HTML error page with `html_status`.
    - `malformed_json`: a truncated JSON body; `empty_body`: HTTP 200 with nothing in it.
    - `error_message`: `{"error": error_message}` with `error_status` (200 by default, as PP does).

    With `after_processing`, the 500/HTML/malformed/empty faults happen after the request took effect
    (the order exists), otherwise before (nothing happened). `drop_ids` and `drop_share` leave ids out of
    multi-status replies, as some providers do.
    """

    latency_ms: Annotated[float, msgspec.Meta(ge=0)] = 0
    actions: list[str] | None = None
    times: Annotated[int, msgspec.Meta(ge=1)] | None = None
    hang: bool = False
    hang_add: bool = False
    http_500: bool = False
    html_error: bool = False
    html_status: Annotated[int, msgspec.Meta(ge=200, le=599)] = 502
    malformed_json: bool = False
    empty_body: bool = False
    error_message: str | None = None
    error_status: Annotated[int, msgspec.Meta(ge=200, le=599)] = 200
    after_processing: bool = False
    drop_ids: list[str] = []
    drop_share: Share = 0

    def failure_applies(self, action: str) -> bool:
        """True when a failure switch is on and in scope for `action`."""
        if self.hang_add and action == "add":
            return True
        in_scope = self.actions is None or action in self.actions
        return in_scope and (
            self.hang
            or self.http_500
            or self.html_error
            or self.malformed_json
            or self.empty_body
            or self.error_message is not None
        )

    def without_failures(self) -> Faults:
        """The same latency and id dropping, with every failure switch off (when `times` runs out)."""
        return Faults(latency_ms=self.latency_ms, drop_ids=list(self.drop_ids), drop_share=self.drop_share)


HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} Bad Gateway</title></head>"
    "<body><h1>{status} Bad Gateway</h1><p>cloudflare</p></body></html>\n"
)
