"""The provider plugin SDK and the built-in provider adapters.

Plugin authors need `hookimpl` from here, `providers.base.ProviderAdapter`, the DTOs in `providers.dto`
and the errors in `providers.errors`; `providers.testing` holds the contract suite their tests reuse.
"""

from providers.hookspecs import hookimpl

__all__ = ["hookimpl"]
