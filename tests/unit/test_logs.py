"""Logs never carry secrets: named secret fields are redacted and tracebacks show no local variables."""

from __future__ import annotations

import structlog

from core.logs import configure_logging


def test_secret_fields_are_redacted_and_locals_never_printed(capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging("INFO")
    log = structlog.get_logger("test")
    log.info("calling provider", api_key="SUPERSECRET1", key="SUPERSECRET2", order_id=7)
    provider_key = "SUPERSECRET3"
    try:
        raise RuntimeError("boom " + str(len(provider_key)))
    except RuntimeError:
        log.exception("failed")
    captured = capsys.readouterr()
    output = captured.err + captured.out
    assert "order_id=7" in output
    assert "boom 12" in output
    for secret in ("SUPERSECRET1", "SUPERSECRET2", "SUPERSECRET3"):
        assert secret not in output


def test_json_logs_redact_too(capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging("INFO", json=True)
    structlog.get_logger("test").warning("x", authorization="Bearer SUPERSECRET4")
    output = capsys.readouterr().err
    assert "SUPERSECRET4" not in output
    assert '"authorization": "***"' in output


def test_logging_survives_a_closed_stream(capsys) -> None:  # type: ignore[no-untyped-def]
    import io
    import logging
    import sys

    configure_logging("INFO")
    real = sys.stderr
    closed = io.StringIO()
    sys.stderr = closed
    try:
        structlog.get_logger("a").info("while swapped")
        logging.getLogger("b").warning("stdlib while swapped")
    finally:
        sys.stderr = real
    closed.close()
    structlog.get_logger("a").info("after the stream closed")
    logging.getLogger("b").warning("stdlib after the stream closed")
    err = capsys.readouterr().err
    assert "after the stream closed" in err
    assert "stdlib after the stream closed" in err
