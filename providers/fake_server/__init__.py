"""A fake upstream provider speaking API v2 in the `perfectpanel` or `seed` dialect, with fault switches.

Start it with `running_fake_provider` / `fake_provider_in_thread` (tests) or `panel fake-provider` (a
separate process, steered over `/_control/*`).
"""

from providers.fake_server.app import FakeProviderApp
from providers.fake_server.book import BookSettings
from providers.fake_server.control import FakeProviderControl
from providers.fake_server.dialects import Dialect
from providers.fake_server.faults import Faults
from providers.fake_server.runner import FakeProviderHandle, fake_provider_in_thread, running_fake_provider

__all__ = [
    "BookSettings",
    "Dialect",
    "FakeProviderApp",
    "FakeProviderControl",
    "FakeProviderHandle",
    "Faults",
    "fake_provider_in_thread",
    "running_fake_provider",
]
