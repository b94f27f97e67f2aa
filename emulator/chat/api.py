"""Chat API method handlers."""
