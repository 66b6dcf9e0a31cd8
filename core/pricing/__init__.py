"""Pricing: markup rules, exchange rates and the sell-rate rules."""
