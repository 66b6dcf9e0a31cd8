"""The SMM API v2 wire (transport, tolerant readers) and the adapters built on it."""
