"""The `panel` command line: the composition root that wires core, api and workers together."""
