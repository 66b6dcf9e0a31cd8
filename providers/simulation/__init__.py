"""What the simulated provider and the fake provider server share: a catalog, the rules of `add`, and a
time-based model of how orders progress."""
