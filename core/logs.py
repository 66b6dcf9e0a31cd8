"""Structured logging (structlog) with secrets redacted before anything is written."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

SECRET_FIELDS = frozenset({"key", "api_key", "apikey", "authorization", "password", "token", "secret"})


def redact_secrets(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Replace the value of any field whose name says it is a secret."""
    for name in list(event):
        if name.lower() in SECRET_FIELDS:
            event[name] = "***"
    return event


class _CurrentStderrLogger:
    """Writes each line to whatever `sys.stderr` is at that moment.

    structlog's PrintLogger binds the stream once, and loggers are cached; a stream swapped and closed
    later (test capture, a daemon's redirection) would then break every log call.
    """

    def __init__(self, *_args: Any) -> None:
        pass

    def msg(self, message: str) -> None:
        """Write one rendered line."""
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warn = warning = error = critical = exception = fatal = failure = err = msg


class _CurrentStderrHandler(logging.StreamHandler[Any]):
    """A stdlib handler that, like `_CurrentStderrLogger`, writes to the `sys.stderr` of the moment."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _identity(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    return event


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    """Route structlog and stdlib logging to stderr, as JSON lines or human-readable text."""
    logging.basicConfig(
        format="%(levelname)s %(name)s: %(message)s",
        handlers=[_CurrentStderrHandler()],
        level=level.upper(),
        force=True,
    )
    # Plain tracebacks only: structlog's rich formatter prints local variables, and locals may hold keys.
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            structlog.processors.format_exc_info if json else _identity,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_CurrentStderrLogger,
        cache_logger_on_first_use=True,
    )
