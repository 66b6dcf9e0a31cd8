"""The Acme SMM adapter: the generic SMM API v2 wire with Acme's quirks as defaults."""

from __future__ import annotations

from typing import ClassVar, Literal

import msgspec

from providers.base import Capabilities
from providers.smmv2.adapter import ParamName, SmmV2Adapter, SmmV2Settings


class AcmeSettings(SmmV2Settings, frozen=True, forbid_unknown_fields=True):
    """Acme reads `$_GET` only and calls the key `api`; operators can still override both."""

    method: Literal["POST", "GET"] = "GET"
    key_param: ParamName = "api"


class AcmeAdapter(SmmV2Adapter):
    """Acme SMM (https://acme-smm.example): a PP clone without refills."""

    key: ClassVar[str] = "acme"
    capabilities: ClassVar[Capabilities] = Capabilities(refill=False, cancel=True, dripfeed=True)
    Settings: ClassVar[type[msgspec.Struct]] = AcmeSettings
    default_base_url: ClassVar[str | None] = "https://acme-smm.example/api/v2"
