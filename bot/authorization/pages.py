"""The few HTML pages a person sees in their browser during linking.

Plain, accessible (one heading, a language, readable contrast, no scripts) and with
every dynamic part escaped. They say what happened, that nothing was stored when
something went wrong, and what to do next: usually "go back to Chat and type /meet".
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="{icon}">
<title>{title}</title>
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:36rem;margin:3rem auto;
padding:0 1rem;color:#202124;line-height:1.5}}main{{border:1px solid #dadce0;border-radius:8px;padding:1.5rem}}
h1{{font-size:1.4rem;font-weight:500;margin-top:0}}</style>
</head><body><main>
<h1>{heading}</h1>
{paragraphs}
</main></body></html>"""


# The app's icon, inline: the browser has nothing to fetch from the app for it (without
# one it asks for /favicon.ico, which the app does not serve: a 404 in its console).
ICON = ("data:image/svg+xml," + quote('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
                                      '<rect width="32" height="32" rx="8" fill="#00832d"/>'
                                      '<path d="M12 9v14l11-7z" fill="#fff"/></svg>'))


@dataclass(frozen=True)
class Page:
    """An HTML answer: what happened, in words, and its HTTP status."""

    status: int
    title: str
    heading: str
    paragraphs: tuple[str, ...]  # plain text; escaped when rendered
    reason: str = ""  # a short machine-readable code for logs and tests (never shown)

    def render(self) -> str:
        paragraphs = "\n".join(f"<p>{html.escape(text)}</p>" for text in self.paragraphs)
        return _TEMPLATE.format(title=html.escape(self.title), heading=html.escape(self.heading),
                                paragraphs=paragraphs, icon=html.escape(ICON))


AGAIN = "Go back to Google Chat and type /meet again to get a fresh link."
NOTHING_STORED = "Nothing was stored."


def linked(app_name: str) -> Page:
    return Page(200, f"{app_name}: account linked", "Your Google account is linked",
                (f"{app_name} can now create Google Meet meetings for you. If you were creating a meeting, its "
                 "join card is in the Chat space now.", "You can close this tab and go back to Google Chat."),
                reason="linked")


def invalid_state(detail: str, *, expired: bool = False) -> Page:
    return Page(400, "Link not valid", "This link has expired" if expired else "This link is not valid",
                (detail, NOTHING_STORED, AGAIN), reason="expired_state" if expired else "invalid_state")


def already_used() -> Page:
    return Page(400, "Link already used", "This link was already used, has expired or was replaced",
                ("Each authorization link works once, only for a few minutes, and only the newest one: asking "
                 "again in the same space replaces the link you were sent before.", NOTHING_STORED, AGAIN),
                reason="used_state")


def mismatched_state() -> Page:
    return Page(400, "Link not valid", "This link does not belong to this request",
                ("The link's details do not match the request it was made for.", NOTHING_STORED, AGAIN),
                reason="mismatched_state")


def bad_return_address() -> Page:
    return Page(400, "Link not valid", "This link's return address is not Google Chat",
                ("For your safety this app only ever sends you back to Google Chat, and this link asked for "
                 "somewhere else.", NOTHING_STORED, AGAIN), reason="bad_redirect")


def _again_within(minutes_left: int) -> str:
    return (f"If you change your mind, go back to Google Chat and click Configure on the app's message again: it "
            f"works for {minutes_left} more minute{'s' if minutes_left != 1 else ''}. After that, type /meet again "
            "for a fresh link.")


def access_denied(minutes_left: int, *, directory: bool = False) -> Page:
    if directory:
        return Page(200, "Directory lookups not allowed", "You did not allow directory lookups",
                    ("That's fine: your account stays linked and your meetings work. People you mention become "
                     "co-hosts once they have used one of the app's commands.", NOTHING_STORED,
                     f"If you change your mind, the link in the app's message works for {minutes_left} more "
                     f"minute{'s' if minutes_left != 1 else ''}."), reason="access_denied")
    return Page(200, "Authorization cancelled", "You did not allow access",
                ("That's fine: without your permission the app cannot create Meet meetings for you.",
                 NOTHING_STORED, _again_within(minutes_left)), reason="access_denied")


def google_error(code: str, minutes_left: int) -> Page:
    return Page(400, "Authorization failed", "Google did not complete the authorization",
                (f"Google answered: {code[:100]}.", NOTHING_STORED, _again_within(minutes_left).replace(
                    "If you change your mind, go back", "Go back")), reason="oauth_error")


def missing_code() -> Page:
    return Page(400, "Authorization failed", "Google did not send an authorization code",
                ("The answer from Google was incomplete.", NOTHING_STORED, AGAIN), reason="missing_code")


def exchange_failed(transient: bool) -> Page:
    detail = ("Google's sign-in service did not answer in time." if transient
              else "Google did not accept the authorization (it may have expired or been used already).")
    return Page(503 if transient else 400, "Authorization failed", "The authorization could not be completed",
                (detail, NOTHING_STORED, AGAIN), reason="exchange_failed")


def partial_scopes() -> Page:
    return Page(400, "More access needed", "Some permissions were not granted",
                ("To create meetings for you the app needs both permissions it asks for: to create Google Meet "
                 "meetings, and to confirm which Google account is yours. One of the boxes was unticked on "
                 "Google's consent page.", NOTHING_STORED,
                 "Type /meet in Google Chat again and leave both boxes ticked."), reason="partial_scopes")


def directory_allowed(app_name: str, added: int) -> Page:
    who = (f"The {added} people you mentioned are now co-hosts of your meeting." if added > 1
           else "The person you mentioned is now a co-host of your meeting." if added == 1
           else "Mentioning people in /meet makes them co-hosts from now on.")
    return Page(200, f"{app_name}: directory lookups allowed", "Directory lookups allowed",
                ((f"{app_name} can now find the email address of the people you mention in /meet in your "
                  f"organization's directory, so that they become co-hosts. {who}"),
                 "You can close this tab and go back to Google Chat."), reason="directory_allowed")


def directory_declined() -> Page:
    return Page(200, "Directory lookups not allowed", "You did not allow directory lookups",
                (("That's fine: your account stays linked and your meetings work. People you mention become "
                  "co-hosts once they have used one of the app's commands."), NOTHING_STORED),
                reason="directory_declined")


def unverified_identity() -> Page:
    return Page(400, "Authorization failed", "Your Google account could not be confirmed",
                ("Google's answer did not prove which account signed in.", NOTHING_STORED, AGAIN),
                reason="unverified_identity")


def other_account() -> Page:
    return Page(403, "Different account", "You signed in with a different Google account",
                ("This link was made for the Google Chat user who typed the command, and the Google account "
                 "that signed in is someone else's. Each person links their own account.", NOTHING_STORED,
                 "Sign in to Google with the same account you use in Chat, then type /meet again."),
                reason="other_account")


def no_refresh_token() -> Page:
    return Page(400, "Authorization failed", "Google did not grant lasting access",
                ("Without it the app would ask you again every hour.", NOTHING_STORED, AGAIN),
                reason="no_refresh_token")


def unavailable() -> Page:
    return Page(503, "Try again", "Something went wrong on our side",
                ("The app could not finish the authorization.", NOTHING_STORED, AGAIN), reason="unavailable")


def not_enabled() -> Page:
    return Page(404, "Not available", "Account linking is not used here",
                ("This app is set up by your administrator to work without linking accounts.",), reason="disabled")
