"""The reseller's admin routes, under /api/admin; every one needs an admin key."""
