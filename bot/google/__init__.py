"""Thin, typed gateways to Google's APIs, built once and injected into the app."""
