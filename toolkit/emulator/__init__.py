"""ptk emulator."""
