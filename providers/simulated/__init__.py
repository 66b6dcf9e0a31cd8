"""`simulated`: an in-process provider for the embedded demo and for tests."""
