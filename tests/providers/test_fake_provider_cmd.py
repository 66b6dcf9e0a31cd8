"""`panel fake-provider` as a separate process, steered over HTTP the way other suites will steer it."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from cli.fake_provider_cmd import fake_provider
from providers.dto import OrderRequest
from providers.errors import OutcomeUnknown, ProviderRejected, RejectReason
from providers.smmv2.testedsmm import TestedSmmAdapter

KEY = "process-key-91c"
START = "from cli.fake_provider_cmd import fake_provider; fake_provider({args!r})"


@pytest.fixture
def fake_process() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    args = ["--port", "0", "--dialect", "seed", "--api-key", KEY, "--speed", "10"]
    process = subprocess.Popen(
        [sys.executable, "-c", START.format(args=args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://\S+)/api/v2", line)
        assert match, f"no address in {line!r}; stderr: {process.stderr.read() if process.stderr else ''}"
        yield match.group(1), process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=20)


async def test_a_separate_process_is_steered_over_http(
    fake_process: tuple[str, subprocess.Popen[str]], http: httpx.AsyncClient
) -> None:
    base, process = fake_process
    adapter = TestedSmmAdapter(base_url=f"{base}/api/v2", api_key=KEY, http=http, timeout=0.5)
    assert len(await adapter.services()) > 10

    await http.post(f"{base}/_control/faults", json={"hang_add": True})
    with pytest.raises(OutcomeUnknown):
        await adapter.add_order(OrderRequest("1", link="https://x/once", quantity=100))
    stats = (await http.get(f"{base}/_control/stats")).json()
    assert stats["add_calls_by_link"] == {"https://x/once": 1}
    assert stats["orders_by_link"] == {"https://x/once": 1}

    await http.post(f"{base}/_control/faults", json={"error_message": "neworder.error.not_enough_funds"})
    with pytest.raises(ProviderRejected) as caught:
        await adapter.add_order(OrderRequest("1", link="https://x/twice", quantity=100))
    assert caught.value.reason is RejectReason.INSUFFICIENT_FUNDS

    await http.post(f"{base}/_control/reset")
    assert (await adapter.add_order(OrderRequest("1", link="https://x/ok", quantity=100))).provider_order_id

    # SIGTERM stops it promptly; uvicorn re-raises the signal after its graceful shutdown.
    process.terminate()
    assert process.wait(timeout=20) in (0, -signal.SIGTERM)


def test_bad_options_are_one_clear_error() -> None:
    result = CliRunner().invoke(fake_provider, ["--partial-share", "0.8", "--cancel-share", "0.5"])
    assert result.exit_code != 0
    assert "must not exceed 1" in result.output
    result = CliRunner().invoke(fake_provider, ["--balance", "lots"])
    assert result.exit_code != 0
    assert "not a decimal amount" in result.output


def test_a_busy_port_is_reported_not_raised() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(fake_provider, ["--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
