"""The emulated Meet API."""
