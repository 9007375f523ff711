"""ptk: Amazon Pinpoint message templates as plain files in git."""

__version__ = "0.1.0"
