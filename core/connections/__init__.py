"""Provider connections: the upstream panels this panel buys from."""
