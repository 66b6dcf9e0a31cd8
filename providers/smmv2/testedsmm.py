"""`testedsmm`: the seed's provider, account.testedsmmapi.com (reference §0)."""

from __future__ import annotations

from typing import ClassVar

from providers.smmv2.adapter import SmmV2Adapter


class TestedSmmAdapter(SmmV2Adapter):
    """The provider documented in the seed. Same wire as `smmv2` with its defaults (POST form, `key`,
    batch `orders`/`refills`, array cancel); the seed's shapes (list multi-status with only `order` and
    `status`, numeric `refill` ids, `canceled: true|false`, numeric `min`/`max`) are read by the shared
    tolerant readers, and Partial orders get their `remains` from a single status call.
    """

    __test__ = False  # the name starts with "Test"; keep pytest from collecting it as a test class

    key: ClassVar[str] = "testedsmm"
    default_base_url: ClassVar[str | None] = "https://account.testedsmmapi.com/api/v2"
