"""ptk lint/rules."""
