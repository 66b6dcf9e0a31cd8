"""The command-line contract: users, providers, fx, doctor — and one clear line for every mistake."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.db.database import Database
from tests.cli.conftest import Runner, make_runner


def assert_one_line_error(result: object, fragment: str) -> None:
    code, stdout, stderr = result.code, result.stdout, result.stderr  # type: ignore[attr-defined]
    assert code == 1, (stdout, stderr)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert fragment in lines[0]
    assert "Traceback" not in stderr


def balances(tmp_path: Path) -> dict[str, int]:
    with sqlite3.connect(tmp_path / "panel.db") as connection:
        return dict(connection.execute("SELECT email, balance FROM users"))


def test_users_create_prints_the_key_last_and_fund_adds(panel: Runner, tmp_path: Path) -> None:
    created = panel("users", "create", "Alice@Example.com", "--balance", "12.5")
    assert created.code == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert len(key) == 32
    assert all(c in "0123456789abcdef" for c in key)
    funded = panel("users", "fund", "alice@example.com", "7.50")
    assert funded.code == 0, funded.stderr
    assert "balance 20.00000" in funded.stdout
    listed = panel("users", "list")
    assert "alice@example.com" in listed.stdout
    assert "20.00000" in listed.stdout
    assert key not in listed.stdout
    rotated = panel("users", "key", "rotate", "alice@example.com")
    assert rotated.code == 0
    assert rotated.stdout.strip().splitlines()[-1] not in {key, ""}
    assert panel("doctor").code == 0


def test_fund_with_an_idempotency_key_applies_once(panel: Runner) -> None:
    panel("users", "create", "bob@example.com")
    for _ in range(2):
        result = panel("users", "fund", "bob@example.com", "5", "--key", "invoice-17")
        assert result.code == 0
    assert "already applied" in result.stdout
    assert "5.00000" in panel("users", "list").stdout


@pytest.fixture(scope="module")
def carol_panel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Runner, Path]:
    """One database with one customer, shared by the bad-input cases (none of which may change it)."""
    directory = tmp_path_factory.mktemp("carol")
    run = make_runner(f"sqlite+aiosqlite:///{directory / 'panel.db'}", directory)
    assert run("users", "create", "carol@example.com", "--balance", "3").code == 0
    return run, directory


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("users", "fund", "carol@example.com", "-5"), "must not be negative"),
        (("users", "fund", "carol@example.com", "ten"), "not an amount"),
        (("users", "fund", "carol@example.com", "0.000001"), "not an amount"),
        (("users", "fund", "carol@example.com", "0"), "must not be zero"),
        (("users", "fund", "nobody@example.com", "5"), "unknown user"),
        (("users", "create", "carol@example.com"), "already exists"),
        (("users", "create", "not-an-email"), "not an email"),
        (("users", "create", "dave@example.com", "--balance", "-1"), "must not be negative"),
        (("users", "key", "rotate", "nobody@example.com"), "unknown user"),
        (("users", "fund", "carol@example.com"), "Missing argument"),
        (("users", "frobnicate"), "No such command"),
        (("fx", "set", "EUR", "abc"), "bad exchange rate"),
        (("fx", "set", "EURO", "1.1"), "not a currency code"),
        (("fx", "set", "USD", "1.1"), "panel currency"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_changes_nothing(
    carol_panel: tuple[Runner, Path], args: tuple[str, ...], fragment: str
) -> None:
    panel, directory = carol_panel
    before = balances(directory)
    assert before == {"carol@example.com": 300000}  # 3.00000 as a scaled integer
    assert_one_line_error(panel(*args), fragment)
    assert balances(directory) == before


def test_providers_add_list_remove(panel: Runner, tmp_path: Path) -> None:
    added = panel(
        "providers",
        "add",
        "upstream",
        "--adapter",
        "smmv2",
        "--url",
        "https://up.example/api/v2",
        "--key",
        "SECRETKEY123",
    )
    assert added.code == 0, added.stderr
    listed = panel("providers", "list")
    assert "upstream" in listed.stdout
    assert "smmv2" in listed.stdout
    assert "SECRETKEY123" not in listed.stdout + listed.stderr
    assert_one_line_error(
        panel(
            "providers", "add", "upstream", "--adapter", "smmv2", "--url", "https://x/api/v2", "--key", "k"
        ),
        "already exists",
    )
    assert_one_line_error(
        panel("providers", "add", "other", "--adapter", "nope", "--url", "https://x/api/v2", "--key", "k"),
        "unknown adapter 'nope'",
    )
    assert_one_line_error(
        panel(
            "providers",
            "add",
            "other",
            "--adapter",
            "smmv2",
            "--url",
            "https://x/api/v2",
            "--key",
            "k",
            "--currency",
            "dollars",
        ),
        "not a currency code",
    )
    with sqlite3.connect(tmp_path / "panel.db") as connection:
        assert connection.execute("SELECT count(*) FROM providers").fetchone() == (1,)
    from_stdin = panel(
        "providers",
        "add",
        "piped",
        "--adapter",
        "smmv2",
        "--url",
        "https://p/api/v2",
        "--key",
        "-",
        stdin="PIPEDKEY\n",
    )
    assert from_stdin.code == 0, from_stdin.stderr
    assert panel("providers", "remove", "upstream").code == 0
    assert_one_line_error(panel("providers", "remove", "upstream"), "unknown provider")


def test_adapters_lists_the_builtins(panel: Runner) -> None:
    result = panel("providers", "adapters")
    assert result.code == 0, result.stderr
    for key in ("smmv2", "testedsmm", "simulated"):
        assert key in result.stdout


def test_fx_set_and_list(panel: Runner) -> None:
    assert panel("fx", "set", "eur", "1.08").code == 0
    listed = panel("fx", "list")
    assert "1 EUR = 1.08 USD" in listed.stdout


def test_doctor_fails_naming_the_user_whose_balance_is_wrong(panel: Runner, tmp_path: Path) -> None:
    panel("users", "create", "ok@example.com", "--balance", "5")
    panel("users", "create", "bad@example.com", "--balance", "5")
    with sqlite3.connect(tmp_path / "panel.db") as connection:
        connection.execute("UPDATE users SET balance = balance + 1 WHERE email = 'bad@example.com'")
    result = panel("doctor")
    assert result.code == 1
    assert "bad@example.com" in result.stderr
    assert "ok@example.com" not in result.stderr


def test_postgres_needs_migrate_then_works(pg_db: Database, tmp_path: Path, pg_url: str) -> None:
    run = make_runner(pg_url, tmp_path)
    created = run("users", "create", "pg@example.com", "--balance", "1")
    assert created.code == 0, created.stderr
    assert run("doctor").code == 0
    unmigrated = make_runner("postgresql+asyncpg://postgres@127.0.0.1:5432/test", tmp_path)("users", "list")
    assert_one_line_error(unmigrated, "panel migrate")
