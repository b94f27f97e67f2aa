"""``GET /oauth2/start`` and ``GET /oauth2/callback``: the user authorization flow.

Thin: the checks live in ``bot.authorization.linking`` (``LinkingOff`` answers both
with "not used here" under domain-wide delegation). The callback stores the grant (or
explains on a page why not), finishes the command that was waiting, and sends the
browser back to Chat's configCompleteRedirectUrl — the only redirect it ever makes.
"""

from __future__ import annotations

import logging

from ..authorization import Linked, Page, Redirect, pages
from ..controls.waiting_cohosts import add_waiting_cohosts
from ..lifecycle.paused import organizer_linked
from ..meetings import finish_after_link
from ..services import Services
from ..storage import StorageError
from .chain import Handler, Pipeline, no_event
from .messages import Html, Request, Response

log = logging.getLogger(__name__)

# Nothing here may be cached, framed or leak its URL (it carries the state) as a Referer.
_HEADERS = (
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    # img-src data: only for the pages' inline icon (``pages.ICON``).
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"),
)


def _page(page: Page) -> Response:
    return Response(page.status, Html(page.render()), _HEADERS)


def _redirect(url: str) -> Response:
    # A bare 302 (no HTML body): the browser follows Location, nothing renders.
    return Response(302, None, (*_HEADERS, ("Location", url)))


def start_linking(services: Services) -> Handler[None]:
    def handle(request: Request, event: None) -> Response:
        try:
            result = services.authorization.start(request.query.get("state"))
        except StorageError:
            log.exception("storage failed during /oauth2/start")
            return _page(pages.unavailable())
        return _redirect(result.url) if isinstance(result, Redirect) else _page(result)

    return handle


def finish_linking(services: Services) -> Handler[None]:
    def handle(request: Request, event: None) -> Response:
        try:
            result = services.authorization.finish(request.query)
        except StorageError:
            log.exception("storage failed during /oauth2/callback")
            return _page(pages.unavailable())
        if not isinstance(result, Linked):
            log.info("authorization refused", extra={"fields": {"reason": result.reason}})
            return _page(result)
        try:
            # Meetings paused while they were unlinked catch up now, not at the next pass.
            organizer_linked(services, result.pending.user)
        except StorageError:  # the reconciler's next pass gets there too
            log.exception("could not request the catch-up of the organizer's paused meetings")
        if result.pending.request is not None:
            try:
                finish_after_link(result.pending.request, services)
            except Exception:  # the link is stored; Chat's re-delivery retries the command
                log.exception("could not finish the command after linking")
        if result.pending.directory_meeting is not None:
            added = 0
            try:
                added = add_waiting_cohosts(services, result.pending.directory_meeting)
            except Exception:  # the grant is stored: a later /meet with the same mentions adds them
                log.exception("could not add the co-hosts waiting for directory lookups")
            return _page(pages.directory_allowed(services.config.app_name, added))
        if result.redirect_url:
            return _redirect(result.redirect_url)
        return _page(pages.linked(services.config.app_name))

    return handle


def oauth_start_pipeline(services: Services) -> Pipeline[None]:
    return Pipeline(parse=no_event, handler=start_linking(services))


def oauth_callback_pipeline(services: Services) -> Pipeline[None]:
    return Pipeline(parse=no_event, handler=finish_linking(services))
