"""Blueprints: thin views that parse, dispatch and serialise."""
