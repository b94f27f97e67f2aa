"""Messages about a person's own account link: rate limit, /meetlogout, re-linking.

Plain Chat text messages, always shown privately to the person concerned. Like
``cards/messages.py`` they never echo anything a user typed.
"""

from __future__ import annotations

import enum

from .messages import text_message
from .widgets import Json

PERMISSIONS_URL = "https://myaccount.google.com/connections"


class UnlinkOutcome(str, enum.Enum):
    NOT_LINKED = "not_linked"
    REVOKED = "revoked"
    DELETED_ONLY = "deleted_only"


def rate_limited_message(per_minute: int) -> Json:
    """A user creating meetings faster than Meet allows one person to."""
    return text_message(
        f"You've created {per_minute} meetings in the last minute, which is as many as Google Meet allows one "
        "person. Please wait a minute and try `/meet` again; your existing join cards still work."
    )


def unlinked_message(outcome: UnlinkOutcome, *, paused_meetings: int = 0) -> Json:
    """The answer to /meetlogout; ``paused_meetings``: their meetings still in use, whose
    cards stop following Meet until they link again."""
    if outcome is UnlinkOutcome.NOT_LINKED:
        return text_message("Your Google account isn't linked to this app, so there is nothing to unlink. "
                            "The next `/meet` will ask for your permission.")
    # Meet links keep working (they are Meet's), but nothing can read the meetings now.
    consequence = ""
    if paused_meetings == 1:
        consequence = ("The card of your meeting still in use stops updating, and no summary is posted, until you "
                       "link your account again; then it catches up by itself. ")
    elif paused_meetings > 1:
        consequence = (f"The cards of your {paused_meetings} meetings still in use stop updating, and no summaries "
                       "are posted, until you link your account again; then they catch up by themselves. ")
    if outcome is UnlinkOutcome.REVOKED:
        return text_message("Done: I've revoked my access to your Google account and deleted what I stored. "
                            f"{consequence}The next `/meet` will ask for your permission again.")
    return text_message(
        "I've deleted my access to your Google account, but Google didn't confirm the revocation just now. "
        f"To be sure, remove the app at <{PERMISSIONS_URL}|myaccount.google.com/connections>. "
        f"{consequence}The next `/meet` will ask for your permission again."
    )


def delegation_logout_message() -> Json:
    return text_message(
        "There's nothing to unlink: in this organization your administrator manages this app's access to Google "
        "Meet for everyone (domain-wide delegation), and I don't store anything from your account. "
        "Ask your administrator if you want that changed."
    )


def link_needed_after_consent_message() -> Json:
    """Consent went through, yet Google refused the fresh authorization at once."""
    return text_message("I couldn't use the access you just granted (Google refused it). Please type `/meet` "
                        "again to link your account once more.")
