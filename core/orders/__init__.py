"""Orders: placement, states, refunds, refills and cancel requests."""
