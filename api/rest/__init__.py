"""The REST API for storefronts and the reseller's admin, under /api (see docs/rest-api.md)."""
