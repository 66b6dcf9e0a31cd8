"""Admin: customers (and admins) — create, discount, fund or debit with a reason, keys, ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api.rest.account import KindFilter, LedgerEntryOut, ledger_entry_out
from api.rest.context import RestContext
from api.rest.deps import PAGE
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import (
    REPLAYED_HEADER,
    IdempotencyKey,
    Money,
    PathId,
    PositiveMoney,
    QueryText,
    Reason,
    amount_text,
    percent_text,
    text,
)
from core.ledger.queries import entries_page
from core.pagination import PageRequest
from core.users import admin as users_admin
from core.users import service as users
from core.users.admin import BalanceChangeKind
from core.users.models import ApiKey, Role, User

Email = Annotated[str, text(320, min_length=3)]
Discount = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,3}(\.[0-9]{1,4})?$", description="0 to 100")]


class CustomerOut(msgspec.Struct, frozen=True):
    """A user as the admin sees them."""

    id: int
    email: str
    role: str
    balance: str
    discount_percent: str
    created_at: datetime


class CreateCustomerIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new user; an opening `balance` is a ledger deposit."""

    email: Email
    role: Role = Role.CUSTOMER
    balance: PositiveMoney = "0"
    discount_percent: Discount = "0"


class CreatedCustomerOut(msgspec.Struct, frozen=True):
    """The new user and their API key, shown this once."""

    customer: CustomerOut
    api_key: str


class UpdateCustomerIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The customer's discount, applied last to every price they see and pay."""

    discount_percent: Discount


class BalanceChangeIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """`deposit`: money the customer paid (amount > 0). `adjustment`: a correction, either sign
    (a negative one debits, never below zero). The reason is kept in the ledger."""

    kind: BalanceChangeKind
    amount: Money
    reason: Reason


class ApiKeyOut(msgspec.Struct, frozen=True):
    """An API key's visible prefix and life; the key itself is never shown again."""

    id: int
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class NewKeyOut(msgspec.Struct, frozen=True):
    """A freshly issued key, shown this once; every older key is revoked."""

    api_key: str


class RevokedOut(msgspec.Struct, frozen=True):
    """How many keys were revoked."""

    revoked: int


def customer_out(user: User) -> CustomerOut:
    """The admin schema of a user."""
    return CustomerOut(
        user.id,
        user.email,
        user.role.value,
        amount_text(user.balance),
        percent_text(user.discount_percent),
        user.created_at,
    )


def key_out(key: ApiKey) -> ApiKeyOut:
    """The admin schema of an API key (prefix only)."""
    return ApiKeyOut(key.id, key.prefix, key.created_at, key.revoked_at)


RoleFilter = Annotated[Role | None, QueryParameter(description="only users with this role")]


class CustomersController(Controller):
    """Customers and admins."""

    path = "/customers"
    tags = ["admin: customers"]
    dependencies = {"paging": PAGE}

    @get("/", operation_id="adminListCustomers", responses=ERROR_RESPONSES)
    async def list_customers(
        self,
        ctx: NamedDependency[RestContext],
        paging: NamedDependency[PageRequest],
        role: RoleFilter = None,
        email: QueryText = None,
    ) -> PageOut[CustomerOut]:
        """Users by id; `email` matches part of the address."""
        where = users_admin.UserFilter(role, email)
        async with ctx.db.transaction() as session:
            return page_out(await users_admin.users_page(session, paging, where), customer_out)

    @post("/", operation_id="adminCreateCustomer", status_code=201, responses=ERROR_RESPONSES)
    async def create_customer(
        self, ctx: NamedDependency[RestContext], data: JSONBody[CreateCustomerIn]
    ) -> CreatedCustomerOut:
        """Create a customer (or admin) with an API key, shown in this answer only."""
        discount = users_admin.discount(data.discount_percent)
        async with ctx.db.transaction() as session:
            created = await users.create_user(
                session, data.email, role=data.role, balance=data.balance, discount_percent=discount
            )
            return CreatedCustomerOut(customer_out(created.user), created.api_key)

    @get("/{user_id:int}", operation_id="adminGetCustomer", responses=ERROR_RESPONSES)
    async def get_customer(self, ctx: NamedDependency[RestContext], user_id: PathId) -> CustomerOut:
        """One user: email, role, balance and discount."""
        async with ctx.db.transaction() as session:
            return customer_out(await users_admin.user_by_id(session, user_id))

    @patch("/{user_id:int}", operation_id="adminUpdateCustomer", responses=ERROR_RESPONSES)
    async def update_customer(
        self, ctx: NamedDependency[RestContext], user_id: PathId, data: JSONBody[UpdateCustomerIn]
    ) -> CustomerOut:
        """Set the customer's discount."""
        async with ctx.db.transaction() as session:
            return customer_out(await users_admin.set_discount(session, user_id, data.discount_percent))

    @post(
        "/{user_id:int}/balance",
        operation_id="adminChangeBalance",
        response_headers=[REPLAYED_HEADER],
        status_code=201,
        responses=ERROR_RESPONSES,
    )
    async def change_balance(
        self,
        ctx: NamedDependency[RestContext],
        user_id: PathId,
        data: JSONBody[BalanceChangeIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[LedgerEntryOut]:
        """Fund or debit a balance with a reason (a ledger entry). With an `Idempotency-Key`, a retry
        returns the first entry (`Idempotent-Replayed: true`) instead of changing the balance again."""
        async with ctx.db.transaction() as session:
            posting = await users_admin.change_balance(
                session, user_id, data.kind, data.amount, reason=data.reason, client_key=idempotency_key
            )
            body = ledger_entry_out(posting.entry)
        headers = {"Idempotent-Replayed": "false" if posting.created else "true"}
        return Response(body, status_code=201, headers=headers)

    @get("/{user_id:int}/ledger", operation_id="adminListCustomerLedger", responses=ERROR_RESPONSES)
    async def list_ledger(
        self,
        ctx: NamedDependency[RestContext],
        user_id: PathId,
        paging: NamedDependency[PageRequest],
        kind: KindFilter = None,
    ) -> PageOut[LedgerEntryOut]:
        """The user's balance changes, newest first."""
        async with ctx.db.transaction() as session:
            await users_admin.user_by_id(session, user_id)
            return page_out(await entries_page(session, user_id, paging, kind=kind), ledger_entry_out)

    @get("/{user_id:int}/keys", operation_id="adminListCustomerKeys", responses=ERROR_RESPONSES)
    async def list_keys(
        self, ctx: NamedDependency[RestContext], user_id: PathId, paging: NamedDependency[PageRequest]
    ) -> PageOut[ApiKeyOut]:
        """The user's API keys (prefixes only), newest first."""
        async with ctx.db.transaction() as session:
            return page_out(await users_admin.keys_page(session, user_id, paging), key_out)

    @post(
        "/{user_id:int}/keys/rotate",
        operation_id="adminRotateCustomerKey",
        status_code=201,
        responses=ERROR_RESPONSES,
    )
    async def rotate_key(self, ctx: NamedDependency[RestContext], user_id: PathId) -> NewKeyOut:
        """Revoke the user's keys and issue a new one, shown in this answer only."""
        async with ctx.db.transaction() as session:
            return NewKeyOut(await users_admin.rotate_key(session, user_id))

    @post(
        "/{user_id:int}/keys/revoke",
        operation_id="adminRevokeCustomerKeys",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def revoke_keys(self, ctx: NamedDependency[RestContext], user_id: PathId) -> RevokedOut:
        """Revoke every key of the user: they can no longer call any API until given a new key."""
        async with ctx.db.transaction() as session:
            return RevokedOut(await users_admin.revoke_keys(session, user_id))
