"""The catalog: what providers offer (provider services) and what the panel sells (services, routes)."""
