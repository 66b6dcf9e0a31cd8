"""Customer catalog: services on sale at the caller's price, categories, and the order form of each type."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency

from api.rest.auth import Principal
from api.rest.context import RestContext
from api.rest.deps import PAGE, PRINCIPAL
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import PathId, QueryText, rate_text
from core.catalog import storefront
from core.catalog.forms import ServiceForm, all_forms, form_for
from core.catalog.queries import ServiceOffer
from core.pagination import PageRequest, page_of
from core.users.admin import user_by_id


class ChoiceOut(msgspec.Struct, frozen=True):
    """An allowed value of a choice field."""

    value: str
    label: str


class FormFieldOut(msgspec.Struct, frozen=True):
    """One input of an order form; `kind` is text, list (one item per line), integer, choice or date."""

    name: str
    required: bool
    kind: str
    description: str
    choices: list[ChoiceOut]


class ServiceFormOut(msgspec.Struct, frozen=True):
    """The order form of a service type and how its billable quantity is counted."""

    type: str
    quantity_from: str
    orderable: bool
    fields: list[FormFieldOut]


class ServiceOut(msgspec.Struct, frozen=True):
    """A service on sale. `rate` is the caller's price per 1000 units (per package for packages)."""

    id: int
    name: str
    category: str
    type: str
    rate: str
    currency: str
    min_quantity: int
    max_quantity: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str | None


class ServiceDetailOut(msgspec.Struct, frozen=True):
    """A service on sale with the form an order of it needs."""

    service: ServiceOut
    form: ServiceFormOut


class CategoryOut(msgspec.Struct, frozen=True):
    """A category and how many services it has on sale."""

    name: str
    services: int


def form_out(form: ServiceForm) -> ServiceFormOut:
    """The schema of an order form."""
    return ServiceFormOut(
        type=form.type,
        quantity_from=form.quantity_from,
        orderable=form.orderable,
        fields=[
            FormFieldOut(
                f.name, f.required, f.kind, f.description, [ChoiceOut(c.value, c.label) for c in f.choices]
            )
            for f in form.fields
        ],
    )


def service_out(offer: ServiceOffer, currency: str) -> ServiceOut:
    """The schema of a service on sale."""
    return ServiceOut(
        id=offer.service_id,
        name=offer.name,
        category=offer.category,
        type=offer.type,
        rate=rate_text(offer.rate),
        currency=currency,
        min_quantity=offer.min_quantity,
        max_quantity=offer.max_quantity,
        refill=offer.refill,
        cancel=offer.cancel,
        dripfeed=offer.dripfeed,
        description=offer.description,
    )


class CatalogController(Controller):
    """What is on sale, at the caller's price (their discount applied)."""

    path = "/catalog"
    tags = ["catalog"]
    dependencies = {"principal": PRINCIPAL, "paging": PAGE}

    @get("/services", operation_id="listServices", responses=ERROR_RESPONSES)
    async def list_services(
        self,
        ctx: NamedDependency[RestContext],
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        category: QueryText = None,
        search: QueryText = None,
    ) -> PageOut[ServiceOut]:
        """Services on sale by id, optionally of one category or with `search` in the name."""
        async with ctx.db.transaction() as session:
            user = await user_by_id(session, principal.user_id)
            offers = await storefront.offers_page(
                session,
                paging,
                discount_percent=user.discount_percent,
                price_step=ctx.settings.price_step,
                category=category,
                search=search,
            )
        return page_out(offers, lambda offer: service_out(offer, ctx.settings.currency))

    @get("/services/{service_id:int}", operation_id="getService", responses=ERROR_RESPONSES)
    async def get_service(
        self, ctx: NamedDependency[RestContext], principal: NamedDependency[Principal], service_id: PathId
    ) -> ServiceDetailOut:
        """One service on sale with its order form; a service not on sale is 404."""
        async with ctx.db.transaction() as session:
            user = await user_by_id(session, principal.user_id)
            offer = await storefront.offer(
                session,
                service_id,
                discount_percent=user.discount_percent,
                price_step=ctx.settings.price_step,
            )
        return ServiceDetailOut(
            service_out(offer, ctx.settings.currency), form_out(form_for(offer.type, dripfeed=offer.dripfeed))
        )

    @get("/categories", operation_id="listCategories", responses=ERROR_RESPONSES)
    async def list_categories(
        self, ctx: NamedDependency[RestContext], paging: NamedDependency[PageRequest]
    ) -> PageOut[CategoryOut]:
        """Categories with services on sale, by name."""
        async with ctx.db.transaction() as session:
            categories = await storefront.categories_page(session, paging)
        return page_out(categories, lambda c: CategoryOut(c.name, c.services))

    @get("/service-types", operation_id="listServiceTypes", responses=ERROR_RESPONSES)
    async def list_service_types(self, paging: NamedDependency[PageRequest]) -> PageOut[ServiceFormOut]:
        """The order form of every service type: fields, their kinds and choices, how quantity is counted."""
        return page_out(page_of(all_forms(), paging), form_out)
