"""ptk lint."""
