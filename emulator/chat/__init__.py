"""The emulated Chat API."""
