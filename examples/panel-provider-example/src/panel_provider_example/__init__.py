"""Example reseller-panel provider plugin: the `acme` adapter."""
