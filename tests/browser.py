"""Headless Chromium for the browser tests, through Playwright's Python package.

The tests use Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it); they
never download a browser. Without Chromium or the ``playwright`` package the
browser tests are skipped with the reason, except in CI (the environment
variable ``CI`` is set), where they fail instead.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright starts the browser with a new, empty profile (--user-data-dir in a
# temporary folder); these switches keep it from calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    """Skip the calling test with the reason, or fail it in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}. CI must run the browser tests (see .ci/run).", pytrace=False)
    pytest.skip(f"{reason}: browser tests skipped (CI runs them)")


@contextmanager
def chromium_browser():
    """Yield a Playwright Browser running /usr/bin/chromium headless."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (requirements-dev.txt)")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
