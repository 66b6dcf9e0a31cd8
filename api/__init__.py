"""The HTTP API: /api/v2 (the SMM API) and, later, the REST API for the storefront and admins."""
