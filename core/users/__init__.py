"""Customers and admins, and their API keys."""
