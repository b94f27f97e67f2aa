"""Browser fixtures for the playground: Debian's Chromium driven by Playwright.

One browser (a persistent context on a fresh profile) per test module. Without
``/usr/bin/chromium`` or the ``playwright`` package the tests skip locally and fail
under ``CI=true``, where ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The pictures in the README are refreshed on request (UPDATE_SCREENSHOTS=1); an
# ordinary run writes them to a temporary folder, so tests never dirty the repository.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS = DOCS_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else \
    Path(tempfile.gettempdir()) / "meetbot-playground-screenshots"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser_context() -> Iterator[Any]:
    """A headless Chromium context with a fresh profile, for the whole module."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install -r requirements-dev.txt")
    profile = tempfile.mkdtemp(prefix="playground-chromium-")
    playwright = sync_playwright().start()
    try:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1360, "height": 900})
        context.set_default_timeout(20_000)
        try:
            yield context
        finally:
            context.close()
    finally:
        playwright.stop()
        shutil.rmtree(profile, ignore_errors=True)


class PageErrors(list):
    """Uncaught script errors and console errors of a page (asserted empty by tests)."""


def watch(page: Any) -> PageErrors:
    errors = PageErrors()
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    return errors


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Notifications fade by themselves; a picture of the page should not keep them.
    page.evaluate("() => { const t = document.getElementById('toasts'); if (t) t.replaceChildren(); }")
    page.screenshot(path=str(path))
    return path
