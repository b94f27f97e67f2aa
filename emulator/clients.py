"""Helpers for Google's client libraries when they talk to the emulator instead of Google.

google-auth's service-account credentials look up a "regional access boundary" at
``iamcredentials.googleapis.com`` in the background after each token refresh. Against
the emulator that lookup can only try (and fail) to leave the machine, so credentials
built for the emulator skip it. Nothing else changes: tokens still come from the
configured ``token_uri`` through the JWT-bearer grant, delegation (``with_subject``)
included, and copies keep the class.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from google.oauth2 import service_account


class EmulatorServiceAccountCredentials(service_account.Credentials):
    def _is_regional_access_boundary_lookup_required(self) -> bool:
        return False


def service_account_credentials(info: Mapping[str, Any], scopes: Sequence[str], token_uri: str | None = None
                                ) -> service_account.Credentials:
    if token_uri:
        info = {**info, "token_uri": token_uri}
    return EmulatorServiceAccountCredentials.from_service_account_info(info, scopes=list(scopes))
