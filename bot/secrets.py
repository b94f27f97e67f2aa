"""Secrets from Secret Manager, resolved once at start-up.

App Engine standard cannot mount secrets, and key material does not belong in the
deployed files or in ``app.yaml``. So any variable ``NAME_SECRET`` that holds a Secret
Manager version (``projects/P/secrets/S/versions/latest``) is read with the app's own
credentials and made available as ``NAME``: ``DELEGATION_CREDENTIALS_JSON_SECRET``
yields ``DELEGATION_CREDENTIALS_JSON``. One mechanism for every secret setting.

Two settings have names that end in ``_SECRET`` themselves (``OAUTH_CLIENT_SECRET``,
``RECONCILE_SECRET``): they hold values, and their references are
``OAUTH_CLIENT_SECRET_SECRET`` and ``RECONCILE_SECRET_SECRET``.
"""

from __future__ import annotations

import base64
import re
from typing import Callable, Mapping

SECRET_SUFFIX = "_SECRET"
# Settings whose own names end in the suffix: values, never references.
SETTINGS_NAMED_SECRET = frozenset({"OAUTH_CLIENT_SECRET", "RECONCILE_SECRET"})
SECRET_VERSION = re.compile(r"^projects/[^/]+/secrets/[^/]+/versions/[^/]+$")
SECRET_MANAGER_URL = "https://secretmanager.googleapis.com/v1/{name}:access"

Fetch = Callable[[str], str]


class SecretError(Exception):
    pass


def fetch_from_secret_manager(name: str) -> str:  # pragma: no cover - needs Google
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    response = AuthorizedSession(credentials).get(SECRET_MANAGER_URL.format(name=name), timeout=10)
    if response.status_code != 200:
        raise SecretError(f"Secret Manager answered {response.status_code} for {name}")
    return base64.b64decode(response.json()["payload"]["data"]).decode("utf-8")


def resolve_secrets(environ: Mapping[str, str], fetch: Fetch = fetch_from_secret_manager) -> dict[str, str]:
    """``environ`` with every ``NAME_SECRET`` resolved into ``NAME``; problems named together."""
    resolved = dict(environ)
    problems: list[str] = []
    for key, value in environ.items():
        if not key.endswith(SECRET_SUFFIX) or key in SETTINGS_NAMED_SECRET or not value:
            continue
        target = key[: -len(SECRET_SUFFIX)]
        if not SECRET_VERSION.match(value):
            problems.append(f"{key} must name a secret version: projects/P/secrets/S/versions/V")
            continue
        if environ.get(target):
            problems.append(f"{target} and {key} are both set: use one")
            continue
        try:
            resolved[target] = fetch(value)
        except Exception as error:  # noqa: BLE001 - reported with the others
            problems.append(f"{key}: could not read {value} ({error})")
    if problems:
        from .config import ConfigError

        raise ConfigError(problems)
    return resolved
