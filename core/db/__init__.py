"""Persistence plumbing: the declarative base, column types, the engine and the transaction boundary."""
