"""Money columns store the largest accepted values exactly on both databases."""

from __future__ import annotations

from decimal import Decimal

from core.db.database import Database
from core.pricing.models import ExchangeRate
from core.pricing.service import set_exchange_rate
from core.users.models import User
from tests.factories import make_user


async def test_largest_amount_and_rate_round_trip(db: Database) -> None:
    user, _ = await make_user(db, balance="999999999999.99999")
    async with db.transaction() as session:
        await set_exchange_rate(session, "IRR", "99999999.0000000001", panel_currency="USD")
    async with db.transaction() as session:
        assert (await session.get(User, user.id)).balance == Decimal("999999999999.99999")  # type: ignore[union-attr]
        assert (await session.get(ExchangeRate, "IRR")).rate == Decimal("99999999.0000000001")  # type: ignore[union-attr]
