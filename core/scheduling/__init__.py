"""Leases that let exactly one scheduler run per database."""
