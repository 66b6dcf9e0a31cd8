"""The SMM API v2 that customers, downstream panels and storefronts call (reference §6)."""
