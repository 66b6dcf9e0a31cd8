"""The pipeline's commands, run as the real `panel` script against fake providers on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import update

from cli.main import main
from core.db.database import Database
from core.orders.domain import OrderState
from core.orders.models import Order
from core.settings import Settings, get_settings
from providers.fake_server import FakeProviderHandle
from tests.cli.conftest import Result, Runner, make_runner
from tests.conftest import in_thread
from tests.factories import make_user
from tests.workers.builders import PROVIDER_KEY, place


def assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0], lines[0]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'panel.db'}"


def in_process_runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """`panel ARGS...` through `cli.main.main` in this process: the same code path as the console
    script (one-line errors, exit codes) without paying the interpreter start-up for every command."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
        with monkeypatch.context() as patch:
            for name in [k for k in os.environ if k.startswith("PANEL_")]:
                patch.delenv(name)
            patch.setenv("PANEL_DATABASE_URL", database_url)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            get_settings.cache_clear()
            out, err = io.StringIO(), io.StringIO()
            code = 0
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
            finally:
                get_settings.cache_clear()
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def panel(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Runner:
    run = in_process_runner(database_url, monkeypatch)
    assert run("migrate").code == 0
    return run


def _ok(result: Result) -> str:
    assert result.code == 0, result.stderr
    return result.stdout


def test_the_console_script_runs_the_pipeline_commands(
    database_url: str, tmp_path: Path, fake: FakeProviderHandle
) -> None:
    script = make_runner(database_url, tmp_path)
    _ok(script("providers", "add", "alpha", "--adapter", "smmv2", "--url", fake.url, "--key", PROVIDER_KEY))
    assert "imported 1 service(s) from alpha" in _ok(script("services", "import", "alpha", "--ids", "1"))
    assert "1000.00000 USD" in _ok(script("providers", "balance", "alpha"))
    assert_one_line_error(script("orders", "resolve", "9", "--refund"), "unknown order 9")


def test_import_list_route_sync_and_balance(
    panel: Runner, fake: FakeProviderHandle, fake_b: FakeProviderHandle
) -> None:
    _ok(panel("providers", "add", "alpha", "--adapter", "smmv2", "--url", fake.url, "--key", PROVIDER_KEY))
    _ok(panel("providers", "add", "beta", "--adapter", "smmv2", "--url", fake_b.url, "--key", PROVIDER_KEY))

    imported = _ok(panel("services", "import", "alpha", "--ids", "1,3", "--markup", "50"))
    assert "imported 2 service(s) from alpha" in imported
    listed = _ok(panel("services", "list"))
    assert "rate 1.350000" in listed
    assert listed.count("on sale") == 2

    _ok(panel("catalog", "sync", "beta"))
    routed = _ok(panel("services", "route", "add", "1", "beta", "1", "--priority", "5"))
    assert "routes to beta service 1" in routed
    assert_one_line_error(panel("services", "route", "add", "1", "beta", "1"), "already routes")
    assert "2 route(s)" in _ok(panel("services", "list"))

    fake.control.set_rate("1", "1.20")
    fake.control.remove_service("3")
    synced = _ok(panel("catalog", "sync", "alpha"))
    assert "1 changed, 1 removed" in synced
    listed = _ok(panel("services", "list"))
    assert "rate 1.800000" in listed
    assert "disabled: no live route" in listed

    balances = _ok(panel("providers", "balance"))
    assert "alpha" in balances
    assert "1000.00000 USD" in balances
    assert PROVIDER_KEY not in balances + listed + synced


def test_bad_input_is_one_line_and_changes_nothing(panel: Runner, fake: FakeProviderHandle) -> None:
    _ok(panel("providers", "add", "alpha", "--adapter", "smmv2", "--url", fake.url, "--key", PROVIDER_KEY))
    assert_one_line_error(panel("services", "import", "nobody"), "unknown provider 'nobody'")
    assert_one_line_error(panel("services", "import", "alpha", "--ids", " , "), "--ids takes")
    assert_one_line_error(panel("services", "import", "alpha", "--markup", "lots"), "not a markup")
    assert_one_line_error(panel("services", "import", "alpha", "--ids", "999"), "lists no service 999")
    assert_one_line_error(panel("services", "route", "add", "42", "alpha", "1"), "unknown service 42")
    assert_one_line_error(panel("catalog", "sync", "nobody"), "unknown provider 'nobody'")
    assert_one_line_error(panel("providers", "balance", "nobody"), "unknown provider 'nobody'")
    assert_one_line_error(panel("orders", "resolve", "1", "--resend", "--refund"), "exactly one of")
    assert_one_line_error(panel("orders", "resolve", "77", "--refund"), "unknown order 77")
    assert_one_line_error(panel("worker"), "PANEL_BROKER_URL is not set")
    assert_one_line_error(panel("worker", env={"PANEL_BROKER_URL": "kafka://x"}), "redis:// or amqp://")
    assert "no services" in _ok(panel("services", "list"))


def test_orders_list_and_resolve_unknown(
    panel: Runner, database_url: str, settings: Settings, fake: FakeProviderHandle
) -> None:
    _ok(panel("providers", "add", "alpha", "--adapter", "smmv2", "--url", fake.url, "--key", PROVIDER_KEY))
    _ok(panel("services", "import", "alpha", "--ids", "1"))
    order_ids = in_thread(asyncio.run, _unknown_orders(database_url, settings))

    listed = _ok(panel("orders", "list", "--state", "unknown"))
    assert [line.split()[0] for line in listed.strip().splitlines()] == [str(i) for i in reversed(order_ids)]

    found, resend, refund = order_ids
    assert "pending at the provider as 555" in _ok(
        panel("orders", "resolve", str(found), "--provider-order", "555")
    )
    assert "queued for dispatch again" in _ok(panel("orders", "resolve", str(resend), "--resend"))
    refunded = _ok(panel("orders", "resolve", str(refund), "--refund"))
    assert "canceled; refunded 0.11700" in refunded
    assert_one_line_error(panel("orders", "resolve", str(refund), "--refund"), "only orders in state unknown")
    assert _ok(panel("orders", "list", "--state", "unknown")).strip() == "no orders"
    assert "ok" in _ok(panel("doctor"))


async def _unknown_orders(url: str, settings: Settings) -> list[int]:
    db = Database(url)
    try:
        user, _ = await make_user(db, balance="10")
        ids = []
        for _ in range(3):
            order = await place(db, user.id, 1, settings)
            ids.append(order.id)
        async with db.transaction() as session:
            await session.execute(
                update(Order).where(Order.id.in_(ids)).values(state=OrderState.UNKNOWN, provider_id=1)
            )
        return ids
    finally:
        await db.dispose()
