"""Reading an /api/v2 call: one flat dict of text parameters from the query string and the body.

Real clients send a urlencoded POST body (the standard PHP class), a GET query string (one async client),
multipart forms or JSON. The query string and the body are merged, the body winning; within one source
the last repetition of a name wins, as PHP's `$_REQUEST` does. `+` decodes to a space.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request

from api.v2.errors import INCORRECT_REQUEST, TOO_MANY_IDS, ApiError

MAX_BATCH = 100
MAX_PARAMETERS = 200
_MAX_ID_DIGITS = 18  # fits a BIGINT; longer "ids" are malformed


def _decode_query(raw: bytes) -> dict[str, str]:
    try:
        # Percent-escapes decode as UTF-8; a client that sends raw UTF-8 bytes is read the same way.
        text = raw.decode("utf-8", errors="replace")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_PARAMETERS, encoding="utf-8")
    except ValueError:
        raise ApiError(INCORRECT_REQUEST) from None
    return dict(pairs)


def _json_text(value: Any) -> str | None:
    """A JSON value as the text a form would have carried; objects are refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list) and all(
        isinstance(item, int | str) and not isinstance(item, bool) for item in value
    ):
        return ",".join(str(item) for item in value)  # "orders": [1, 2, 3]
    raise ApiError(INCORRECT_REQUEST)


def _decode_json(body: bytes) -> dict[str, str]:
    try:
        payload = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise ApiError(INCORRECT_REQUEST) from None
    if not isinstance(payload, dict) or len(payload) > MAX_PARAMETERS:
        raise ApiError(INCORRECT_REQUEST)
    result = {}
    for name, value in payload.items():
        text = _json_text(value)
        if text is not None:
            result[name] = text
    return result


async def read_params(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Every parameter of the call, query string first, then the body over it."""
    params = _decode_query(request.scope.get("query_string", b""))
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        params.update({name: value for name, value in form.items() if isinstance(value, str)})
        return params
    body = await request.body()
    if not body.strip():
        return params
    if content_type == "application/json" or (not content_type and body.lstrip()[:1] == b"{"):
        params.update(_decode_json(body))
    else:
        # urlencoded, or a client that forgot the content type: read it as a form.
        params.update(_decode_query(body))
    return params


@dataclass(frozen=True)
class ItemId:
    """One id of a batch: `key` is what the reply shows, `value` the id or None when malformed."""

    key: int | str
    value: int | None


def parse_id(raw: str) -> ItemId:
    """An id as the client wrote it: an integer, or kept as text when it is not one ("Array", "1.5")."""
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS:
        number = int(text)
        return ItemId(number, number)
    return ItemId(text, None)


def parse_ids(raw: str) -> list[ItemId]:
    """A comma-separated batch: trimmed, empty items ignored, repeats dropped, at most 100 ids."""
    items: list[ItemId] = []
    seen: set[int | str] = set()
    for piece in raw.split(","):
        if not piece.strip():
            continue
        item = parse_id(piece)
        if item.key in seen:
            continue
        seen.add(item.key)
        items.append(item)
        if len(items) > MAX_BATCH:
            raise ApiError(TOO_MANY_IDS)
    return items


def ids_param(
    params: dict[str, str], single: str, batch: str, missing: Callable[[], Exception]
) -> tuple[bool, list[ItemId]]:
    """`(is_batch, ids)` from the batch parameter (`orders`) or, when it is absent, the single one.

    Raises `missing()` when neither holds an id, before any use case runs.
    """
    raw_batch = params.get(batch, "")
    if raw_batch.strip():
        ids = parse_ids(raw_batch)
        if not ids:
            raise missing()
        return True, ids
    raw_single = params.get(single, "")
    if raw_single.strip():
        return False, [parse_id(raw_single)]
    raise missing()
