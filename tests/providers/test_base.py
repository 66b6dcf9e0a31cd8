"""What the adapter base class does for every adapter: settings, chunking, capability checks, repr."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import httpx
import msgspec
import pytest

from providers.base import MAX_BATCH, Capabilities, ProviderAdapter
from providers.dto import (
    BalanceInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
    ProviderServiceInfo,
)
from providers.errors import ProviderRejected
from providers.simulated.adapter import SimulatedSettings
from providers.smmv2.adapter import SmmV2Adapter, SmmV2Settings


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    colour: str = "blue"


class Recording(ProviderAdapter):
    """Records the chunks it is asked about."""

    key: ClassVar[str] = "recording"
    capabilities: ClassVar[Capabilities] = Capabilities(
        refill=False, cancel=False, dripfeed=False, status_batch_size=3
    )
    Settings: ClassVar[type[msgspec.Struct]] = Settings

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.chunks: list[list[str]] = []

    async def services(self) -> list[ProviderServiceInfo]:
        return []

    async def add_order(self, req: OrderRequest) -> PlacedOrder:
        return PlacedOrder("1")

    async def balance(self) -> BalanceInfo:
        raise NotImplementedError

    async def status_batch(self, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
        self.chunks.append(list(ids))
        return {i: ItemError("Incorrect order ID") for i in ids if i != "skip"}


def recording(http: httpx.AsyncClient, settings: object = None) -> Recording:
    return Recording(
        base_url="https://p.example/api/v2", api_key="base-secret", http=http, timeout=3, settings=settings
    )


async def test_batches_are_deduplicated_and_chunked(http: httpx.AsyncClient) -> None:
    adapter = recording(http)
    result = await adapter.statuses(["1", "2", " 2 ", "3", "", "skip", "4", "1"])
    assert adapter.chunks == [["1", "2", "3"], ["skip", "4"]]
    assert set(result) == {"1", "2", "3", "4"}


async def test_a_bare_string_is_not_a_list_of_ids(http: httpx.AsyncClient) -> None:
    with pytest.raises(TypeError):
        await recording(http).statuses("12345")


async def test_unsupported_capabilities_are_refused(http: httpx.AsyncClient) -> None:
    adapter = recording(http)
    for call in (adapter.refill, adapter.refill_statuses, adapter.cancel):
        with pytest.raises(ProviderRejected, match="does not support"):
            await call(["1"])


def test_settings_validation(http: httpx.AsyncClient) -> None:
    assert recording(http).settings == Settings()
    assert recording(http, {"colour": "red"}).settings == Settings(colour="red")
    assert recording(http, Settings(colour="green")).settings == Settings(colour="green")
    with pytest.raises(ValueError, match=r"invalid settings for adapter 'recording'.*unknown field `color`"):
        recording(http, {"color": "red"})
    with pytest.raises(ValueError, match="Expected `str`, got `int`"):
        recording(http, {"colour": 5})
    with pytest.raises(ValueError, match="expected Settings, got SimulatedSettings"):
        recording(http, SimulatedSettings())


@pytest.mark.parametrize(
    "settings",
    [
        {"method": "PUT"},
        {"status_batch_size": 101},
        {"status_batch_size": 0},
        {"key_param": "bad name"},
        {"cancel_form": "single"},
        {"extra_add_params": {"is_test": 1}},
        {"multi": "yes"},
    ],
)
def test_smmv2_settings_are_strict(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="invalid settings for adapter 'smmv2'"):
        SmmV2Adapter.validate_settings(settings)


def test_smmv2_settings_defaults_are_perfect_panel() -> None:
    assert SmmV2Adapter.validate_settings(None) == SmmV2Settings(
        method="POST",
        body="form",
        key_param="key",
        order_param="order",
        link_param="link",
        cancel_form="orders",
        multi=True,
        status_batch_size=MAX_BATCH,
    )


def test_constructor_rejects_nonsense(http: httpx.AsyncClient) -> None:
    with pytest.raises(ValueError, match="timeout"):
        Recording(base_url="x", api_key="k", http=http, timeout=0)
    with pytest.raises(ValueError, match="http:// or https://"):
        SmmV2Adapter(base_url="ftp://p.example/api/v2", api_key="k", http=http, timeout=3)


def test_repr_shows_the_url_not_the_key(http: httpx.AsyncClient) -> None:
    adapter = SmmV2Adapter(base_url="https://p.example/api/v2", api_key="base-secret", http=http, timeout=3)
    assert repr(adapter) == "<SmmV2Adapter key='smmv2' base_url='https://p.example/api/v2'>"
    assert "base-secret" not in repr(vars(adapter))
