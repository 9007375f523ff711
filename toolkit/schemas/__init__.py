"""ptk schemas."""
