"""Meet API method handlers."""
