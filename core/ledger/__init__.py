"""The append-only ledger: every balance change, exactly once per idempotency key."""
