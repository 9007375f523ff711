"""ptk serve."""
