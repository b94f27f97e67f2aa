"""OAuth 2.0 as accounts.google.com and oauth2.googleapis.com serve it, plus certificates.

* ``GET /o/oauth2/auth`` — the consent page: the user comes from ``login_hint`` (or a
  picker), the scopes can be narrowed one by one as Google's granular consent allows,
  Allow redirects with a code, Deny with ``error=access_denied``.
  ``EMULATOR_AUTO_CONSENT=1`` (``auto_consent``) approves every scope at once.
  ``include_granted_scopes=true`` makes the new grant cover the scopes the user granted
  the client before (incremental authorization).
  A client registered through ``POST /_emulator/oauth/clients`` redirects only to its
  registered redirect URIs (anything else is Google's ``redirect_uri_mismatch`` page);
  any other client id is accepted, as the emulator always has, but auto-consent then
  approves only for a loopback redirect URI (a web page cannot collect a code elsewhere
  without a person clicking Allow).
* ``POST /token`` — authorization_code (with PKCE), refresh_token and the JWT-bearer
  grant of service accounts (``sub`` for domain-wide delegation). A registered client
  must authenticate with its secret (in the body or HTTP Basic), as Google's web clients
  do: a wrong one is ``401 invalid_client``.
* ``POST /revoke`` — ends a grant.
* Certificates: ``/oauth2/v3/certs`` (JWKS) and ``/oauth2/v1/certs`` (x509) for Google's
  own tokens, ``/service_accounts/v1/metadata/{x509,jwk}/{email}`` for a service account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import time
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from flask import Blueprint, Response, current_app, request
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from .errors import ApiError
from .signing import GOOGLE_SIGNER, generate_key
from .state import CallRecord, EmulatorState, User
from .hostcheck import LOOPBACK_NAMES
from .tokens import Grant, OAuthClient, Principal, ServiceAccount, expand_scope


JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CERT_CACHE_CONTROL = "public, max-age=21600, must-revalidate, no-transform"
GOOGLE_TOKEN_URIS = {"https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/token",
                     "https://www.googleapis.com/oauth2/v4/token"}


def _state() -> EmulatorState:
    return current_app.extensions["emulator"]


class OAuthError(Exception):
    """An error of the token or revoke endpoint: ``{"error", "error_description"}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json; charset=utf-8")


def register_service_account(state: EmulatorState, *, email: str | None, project_id: str, token_uri: str,
                             delegation: bool = True, delegated_scopes: list[str] | None = None) -> dict[str, Any]:
    email = email or f"sa-{state.new_id(8).lower()}@{project_id}.iam.gserviceaccount.com"
    if "@" not in email:
        raise ApiError(400, f"Invalid service account email: {email!r}")
    key = generate_key(email)
    client_id = state.new_numeric_id()
    state.keys.add(email, key)
    allowed = frozenset(expand_scope(scope) for scope in delegated_scopes) if delegated_scopes is not None else None
    state.service_accounts[email] = ServiceAccount(email, client_id, project_id, key.certificate_pem, key.kid, delegation,
                                                   delegated_scopes=allowed)
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": key.kid,
        "private_key": key.private_pem,
        "client_email": email,
        "client_id": client_id,
        "auth_uri": token_uri.rsplit("/", 1)[0] + "/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": token_uri.rsplit("/", 1)[0] + "/oauth2/v1/certs",
        "client_x509_cert_url": token_uri.rsplit("/", 1)[0] + f"/service_accounts/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }


def register_oauth_client(state: EmulatorState, *, client_id: Any, client_secret: Any,
                          redirect_uris: Any) -> OAuthClient:
    """Register (or replace) an OAuth client as the Cloud console creates one: its secret is
    then checked at ``/token`` and its consent page redirects only to ``redirect_uris``."""
    if not isinstance(client_id, str) or not client_id.strip():
        raise ApiError(400, "clientId must be a non-empty string.", "INVALID_ARGUMENT")
    if not isinstance(client_secret, str) or not client_secret:
        raise ApiError(400, "clientSecret must be a non-empty string.", "INVALID_ARGUMENT")
    if not isinstance(redirect_uris, list) or not redirect_uris:
        raise ApiError(400, "redirectUris must be a non-empty list of URIs.", "INVALID_ARGUMENT")
    for uri in redirect_uris:
        parts = urlsplit(uri) if isinstance(uri, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            raise ApiError(400, f"Invalid redirect URI {uri!r}: an absolute http(s) URI without a fragment.",
                           "INVALID_ARGUMENT")
    client = OAuthClient(client_id.strip(), client_secret, tuple(redirect_uris))
    with state.lock:
        state.oauth_clients[client.client_id] = client
    return client


def is_loopback_uri(uri: str) -> bool:
    """A redirect URI on this machine (Google's loopback IP address flow): http(s) to
    ``localhost``, ``127.0.0.1`` or ``[::1]``, any port."""
    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    name = host[: host.find("]") + 1] if host.startswith("[") else host.split(":", 1)[0]
    return parts.scheme in ("http", "https") and name in LOOPBACK_NAMES


def _log(state: EmulatorState, method: str) -> CallRecord:
    record = CallRecord("oauth2", method, request.method, request.path, {}, None, time=state.clock.time())
    with state.lock:
        state.calls.append(record)
    return record


def _apply_fault(state: EmulatorState, method: str) -> None:
    fault = state.faults.take("oauth2", method)
    if fault is None:
        return
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.status:
        error = "temporarily_unavailable" if fault.status >= 500 else "rate_limit_exceeded"
        raise OAuthError(error, fault.message or "Injected fault.", fault.status)


# -- the consent page --------------------------------------------------------------------
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="/favicon.ico">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#202124}}
.card{{border:1px solid #dadce0;border-radius:8px;padding:1.5rem}}h1{{font-size:1.4rem;font-weight:400}}
button{{font:inherit;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #dadce0;background:#fff;cursor:pointer}}
button.primary{{background:#1a73e8;color:#fff;border-color:#1a73e8}}label{{display:block;margin:.4rem 0}}
.error{{color:#d93025}}</style></head><body><main class="card">{body}</main></body></html>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    return Response(_PAGE.format(title=html.escape(title), body=body), status=status, mimetype="text/html")


def _error_page(error: str, description: str) -> Response:
    return _page("Error", f'<h1 class="error">Error 400: {html.escape(error)}</h1><p>{html.escape(description)}</p>', 400)


def _redirect_with(redirect_uri: str, params: dict[str, str]) -> Response:
    separator = "&" if urlsplit(redirect_uri).query else "?"
    # As Google's consent endpoint answers: a 302 whose Location carries the result.
    return Response(status=302, headers={"Location": redirect_uri + separator + urlencode(params)})


def _consent_request() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    return {key: source.get(key, "") for key in (
        "client_id", "redirect_uri", "response_type", "scope", "state", "login_hint", "access_type",
        "prompt", "code_challenge", "code_challenge_method", "include_granted_scopes", "nonce")}


def _validate_consent_request(state: EmulatorState, params: dict[str, str]) -> Response | None:
    if not params["client_id"]:
        return _error_page("invalid_client", "The OAuth client was not found.")
    redirect_uri = params["redirect_uri"]
    parts = urlsplit(redirect_uri)
    if not redirect_uri or parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        return _error_page("redirect_uri_mismatch", "The redirect URI in the request is missing or invalid.")
    client = state.oauth_clients.get(params["client_id"])
    if client is not None and redirect_uri not in client.redirect_uris:
        return _error_page("redirect_uri_mismatch",
                           f"The redirect URI in the request, {redirect_uri}, does not match the ones authorized "
                           f"for the OAuth client {params['client_id']}.")
    if params["response_type"] != "code":
        return _error_page("unsupported_response_type", "Only response_type=code is supported.")
    if not params["scope"].split():
        return _error_page("invalid_request", "Missing required parameter: scope")
    if params["code_challenge_method"] not in ("", "S256", "plain"):
        return _error_page("invalid_request", "Invalid code_challenge_method.")
    return None


def _issue_code(state: EmulatorState, params: dict[str, str], user: User, scopes: list[str]) -> Response:
    granted = frozenset(scopes)
    if params["include_granted_scopes"] == "true":
        # Incremental authorization: the new grant also covers every scope this user
        # already granted this client (and not revoked since), as Google's does.
        granted |= state.tokens.granted_scopes(user.name, params["client_id"])
    grant = state.tokens.grant_for_user(user_name=user.name, email=user.email, client_id=params["client_id"],
                                        scopes=granted)
    code = state.tokens.new_code(grant, params["redirect_uri"], params["code_challenge"] or None,
                                 params["code_challenge_method"] or ("plain" if params["code_challenge"] else None))
    reply = {"code": code.code, "scope": " ".join(sorted(granted)), "authuser": "0", "prompt": "consent"}
    if params["state"]:
        reply["state"] = params["state"]
    return _redirect_with(params["redirect_uri"], reply)


def consent() -> Response:
    state = _state()
    params = _consent_request()
    problem = _validate_consent_request(state, params)
    if problem is not None:
        return problem
    requested = [expand_scope(scope) for scope in params["scope"].split()]
    # Auto-consent hands a code to the redirect URI with nobody looking: only to one the
    # client registered, or to this machine. Elsewhere a person clicks Allow.
    auto_consent = state.config.auto_consent and (
        params["client_id"] in state.oauth_clients or is_loopback_uri(params["redirect_uri"]))

    user: User | None = None
    chosen = request.form.get("user") or params["login_hint"]
    if chosen:
        try:
            user = state.find_user(chosen)
        except ApiError:
            if request.method == "POST" or auto_consent:
                return _error_page("invalid_request", f"No account {chosen} in this emulated domain.")
            user = None

    decision = request.form.get("decision") if request.method == "POST" else None
    if user is not None and (auto_consent or decision == "allow"):
        granted = requested if auto_consent else [s for s in requested if s in request.form.getlist("scope")]
        if not granted:
            decision = "deny"
        else:
            return _issue_code(state, params, user, granted)
    if decision == "deny":
        reply = {"error": "access_denied"}
        if params["state"]:
            reply["state"] = params["state"]
        return _redirect_with(params["redirect_uri"], reply)

    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items())
    client = html.escape(params["client_id"])
    if state.config.auto_consent and not auto_consent:  # on, but not for this request: say why
        hidden += (f"<p>Auto-consent approves only redirects to this machine or to a redirect URI registered for "
                   f"the client; <b>{html.escape(params['redirect_uri'])}</b> is neither.</p>")
    if user is None:
        with state.lock:
            users = list(state.users.values())
        options = "".join(
            f'<label><input type="radio" name="user" value="{html.escape(u.email)}" required> '
            f"{html.escape(u.display_name)} &lt;{html.escape(u.email)}&gt;</label>" for u in users
        ) or "<p>No users yet: add one with POST /_emulator/users.</p>"
        body = (f"<h1>Choose an account</h1><p>to continue to <b>{client}</b></p>"
                f'<form method="post">{hidden}{options}<p><button class="primary" type="submit">Next</button></p></form>')
        return _page("Choose an account", body)

    scopes = "".join(
        f'<label><input type="checkbox" name="scope" value="{html.escape(s)}" checked> {html.escape(s)}</label>'
        for s in requested
    )
    body = (
        f"<h1>{html.escape(user.display_name)}, allow access?</h1>"
        f"<p><b>{client}</b> wants to access your Google Account <b>{html.escape(user.email)}</b>:</p>"
        f'<form method="post">{hidden}<input type="hidden" name="user" value="{html.escape(user.email)}">'
        f"<fieldset><legend>Access requested</legend>{scopes}</fieldset>"
        '<p><button type="submit" name="decision" value="deny">Cancel</button> '
        '<button class="primary" type="submit" name="decision" value="allow">Allow</button></p></form>'
    )
    return _page("Sign in - Google Accounts", body)


# -- the token endpoint ------------------------------------------------------------------
def _token_reply(token: str, expires_in: int, scopes: frozenset[str], refresh_token: str | None = None,
                 id_token: str | None = None) -> dict[str, Any]:
    reply: dict[str, Any] = {"access_token": token, "expires_in": expires_in, "scope": " ".join(sorted(scopes)),
                             "token_type": "Bearer"}
    if refresh_token:
        reply["refresh_token"] = refresh_token
    if id_token:
        reply["id_token"] = id_token
    return reply


def _id_token_for(state: EmulatorState, grant: Grant) -> str | None:
    if "openid" not in grant.scopes:
        return None
    now = int(time.time())
    user = state.find_user(grant.user_name)
    return state.keys.key_for(GOOGLE_SIGNER).sign({
        "iss": "https://accounts.google.com", "aud": grant.client_id, "azp": grant.client_id, "sub": user.id,
        "email": user.email, "email_verified": True, "hd": user.domain, "iat": now, "exp": now + 3600,
    })


def _client_credentials(form: Any) -> tuple[str, str | None]:
    """(client id, client secret or None) from HTTP Basic or the body, as Google reads them."""
    auth = request.authorization
    if auth is not None and auth.type == "basic" and auth.username:
        # RFC 6749 2.3.1: both form-urlencoded inside the Basic credentials.
        return unquote_plus(auth.username), unquote_plus(auth.password or "")
    secret = form.get("client_secret")
    return str(form.get("client_id") or ""), (str(secret) if secret is not None else None)


def _authenticate_client(state: EmulatorState, form: Any) -> str:
    """The client id the request names; a registered one must prove it with its secret."""
    client_id, secret = _client_credentials(form)
    client = state.oauth_clients.get(client_id) if client_id else None
    if client is not None:
        if not secret:
            raise OAuthError("invalid_request", "client_secret is missing.")
        if not hmac.compare_digest(secret.encode(), client.client_secret.encode()):
            raise OAuthError("invalid_client", "Unauthorized", 401)
    return client_id


def _check_grant_client(state: EmulatorState, claimed: str, owner: str) -> None:
    """The code or refresh token belongs to the client that authenticated (a registered
    client's must be claimed, hence authenticated)."""
    if claimed and claimed != owner:
        raise OAuthError("unauthorized_client", "Unauthorized")
    if not claimed and owner in state.oauth_clients:
        raise OAuthError("invalid_request", "Could not determine client ID from request.")


def _authorization_code_grant(state: EmulatorState, form: Any) -> dict[str, Any]:
    claimed = _authenticate_client(state, form)  # before the code is spent
    code = state.tokens.codes.get(form.get("code", ""))
    if code is None or code.used or code.expires_at <= state.clock.time():
        raise OAuthError("invalid_grant", "Malformed auth code." if code is None else "Bad Request")
    code.used = True  # single use, even when the rest of the exchange fails
    _check_grant_client(state, claimed, code.grant.client_id)
    if form.get("redirect_uri", "") != code.redirect_uri:
        raise OAuthError("redirect_uri_mismatch", "Bad Request")
    if code.code_challenge:
        verifier = form.get("code_verifier", "")
        if not verifier:
            raise OAuthError("invalid_grant", "Missing code verifier.")
        if code.code_challenge_method == "S256":
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        else:
            digest = verifier
        if digest != code.code_challenge:
            raise OAuthError("invalid_grant", "Invalid code verifier.")
    access = state.tokens.user_token(code.grant)
    return _token_reply(access.token, state.tokens.access_token_lifetime, code.grant.scopes,
                        refresh_token=code.grant.refresh_token, id_token=_id_token_for(state, code.grant))


def _refresh_token_grant(state: EmulatorState, form: Any) -> dict[str, Any]:
    claimed = _authenticate_client(state, form)
    grant = state.tokens.grants.get(form.get("refresh_token", ""))
    if grant is None or grant.revoked:
        raise OAuthError("invalid_grant", "Token has been expired or revoked.")
    _check_grant_client(state, claimed, grant.client_id)
    scopes = grant.scopes
    if form.get("scope"):
        asked = frozenset(expand_scope(s) for s in form["scope"].split())
        if not asked <= grant.scopes:
            raise OAuthError("invalid_scope", "Some requested scopes were invalid.")
        scopes = asked
    principal = Principal("user", grant.email, scopes, grant.client_id, user_name=grant.user_name)
    access = state.tokens.issue_access_token(principal, grant)
    return _token_reply(access.token, state.tokens.access_token_lifetime, scopes, id_token=_id_token_for(state, grant))


def _jwt_bearer_grant(state: EmulatorState, form: Any) -> dict[str, Any]:
    assertion = form.get("assertion", "")
    try:
        unverified = jwt.decode(assertion, verify=False)
    except (ValueError, auth_exceptions.GoogleAuthError):
        raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.") from None
    account = state.service_accounts.get(str(unverified.get("iss", "")))
    if account is None:
        raise OAuthError("invalid_grant", "Invalid grant: account not found")
    try:
        claims = jwt.decode(assertion, certs={account.kid: account.certificate_pem}, verify=True)
    except (ValueError, auth_exceptions.GoogleAuthError):
        raise OAuthError("invalid_grant", "Invalid JWT Signature.") from None
    audiences = GOOGLE_TOKEN_URIS | {request.base_url}
    if claims.get("aud") not in audiences:
        raise OAuthError("invalid_grant", "Invalid JWT: audience is not the token endpoint.")
    if "target_audience" in claims:  # an ID token for the service account itself
        now = int(time.time())
        id_token = state.keys.key_for(GOOGLE_SIGNER).sign({
            "iss": "https://accounts.google.com", "aud": claims["target_audience"], "azp": account.client_id,
            "sub": account.client_id, "email": account.email, "email_verified": True, "iat": now, "exp": now + 3600})
        return {"id_token": id_token}
    scopes = frozenset(expand_scope(s) for s in str(claims.get("scope", "")).split())
    if not scopes:
        raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    subject = claims.get("sub")
    if subject and subject != account.email:
        if not account.delegation or (account.delegated_scopes is not None and
                                      not scopes <= account.delegated_scopes):
            # Google's answer when delegation is off for the client or the administrator
            # has not allowed every requested scope for it.
            raise OAuthError("unauthorized_client",
                             "Client is unauthorized to retrieve access tokens using this method, or client not "
                             "authorized for any of the scopes requested.")
        try:
            user = state.find_user(subject)
        except ApiError:
            raise OAuthError("invalid_grant", "Invalid email or User ID") from None
        principal = Principal("user", user.email, scopes, account.client_id, user_name=user.name,
                              service_account=account.email)
    else:
        principal = Principal("service_account", account.email, scopes, account.client_id,
                              service_account=account.email)
    access = state.tokens.issue_access_token(principal)
    return {"access_token": access.token, "expires_in": state.tokens.access_token_lifetime, "token_type": "Bearer"}


_GRANTS = {
    "authorization_code": _authorization_code_grant,
    "refresh_token": _refresh_token_grant,
    JWT_BEARER: _jwt_bearer_grant,
}


def token() -> Response:
    state = _state()
    record = _log(state, "token")
    try:
        _apply_fault(state, "token")
        form = request.form if request.form else (request.get_json(silent=True) or {})
        grant = _GRANTS.get(form.get("grant_type", ""))
        if grant is None:
            raise OAuthError("unsupported_grant_type", "Invalid grant_type: " + str(form.get("grant_type", "")))
        with state.lock:
            reply = grant(state, form)
        record.status = 200
        return _json(reply, headers={"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate"})
    except OAuthError as error:
        record.status = error.status
        return _json({"error": error.error, "error_description": error.description}, error.status)


def revoke() -> Response:
    state = _state()
    record = _log(state, "revoke")
    try:
        _apply_fault(state, "revoke")
        token_value = request.values.get("token", "")
        if not state.tokens.revoke(token_value):
            raise OAuthError("invalid_token", "Token expired or revoked")
        record.status = 200
        return _json({})
    except OAuthError as error:
        record.status = error.status
        return _json({"error": error.error, "error_description": error.description}, error.status)


def tokeninfo() -> Response:
    state = _state()
    found = state.tokens.lookup(request.args.get("access_token", ""))
    if found is None:
        return _json({"error": "invalid_token", "error_description": "Invalid Value"}, 400)
    principal = found.principal
    return _json({"azp": principal.client_id, "aud": principal.client_id, "scope": " ".join(sorted(principal.scopes)),
                  "exp": str(int(found.expires_at)), "expires_in": str(max(0, int(found.expires_at - state.clock.time()))),
                  "email": principal.email, "email_verified": "true", "access_type": "offline"})


# -- certificates ------------------------------------------------------------------------
def _certs(document: dict[str, Any]) -> Response:
    return _json(document, headers={"Cache-Control": CERT_CACHE_CONTROL})


def google_jwks() -> Response:
    return _certs(_state().keys.jwks_document(GOOGLE_SIGNER))


def google_x509() -> Response:
    return _certs(_state().keys.x509_document(GOOGLE_SIGNER))


def service_account_x509(email: str) -> Response:
    return _certs(_state().keys.x509_document(email))


def service_account_jwk(email: str) -> Response:
    return _certs(_state().keys.jwks_document(email))


def blueprint() -> Blueprint:
    """Google's OAuth endpoints (consent, token, revoke, tokeninfo, certificates), per app."""
    routes = Blueprint("oauth", __name__)
    routes.add_url_rule("/o/oauth2/v2/auth", view_func=consent, methods=["GET", "POST"])
    routes.add_url_rule("/o/oauth2/auth", view_func=consent, methods=["GET", "POST"])
    routes.add_url_rule("/oauth2/v4/token", view_func=token, methods=["POST"])
    routes.add_url_rule("/token", view_func=token, methods=["POST"])
    routes.add_url_rule("/o/oauth2/revoke", view_func=revoke, methods=["GET", "POST"])
    routes.add_url_rule("/revoke", view_func=revoke, methods=["GET", "POST"])
    routes.add_url_rule("/oauth2/v3/tokeninfo", view_func=tokeninfo, methods=["GET"])
    routes.add_url_rule("/oauth2/v3/certs", view_func=google_jwks, methods=["GET"])
    routes.add_url_rule("/oauth2/v1/certs", view_func=google_x509, methods=["GET"])
    routes.add_url_rule("/service_accounts/v1/metadata/x509/<email>", view_func=service_account_x509, methods=["GET"])
    routes.add_url_rule("/service_accounts/v1/metadata/jwk/<email>", view_func=service_account_jwk, methods=["GET"])
    return routes
