"""ptk sync."""
