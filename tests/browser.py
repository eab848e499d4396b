"""Headless Chromium for the browser tests, through Playwright's Python package.

The tests use Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it), or
else a Chromium or Chrome found on the machine (``CHROMIUM`` in the
environment names one); they never download a browser. Without a browser or
the ``playwright`` package the browser tests are skipped with the reason,
except in CI (the environment variable ``CI`` is set), where they fail instead,
unless ``BROWSER_TESTS=optional`` says that this CI may lack a browser (the
GitHub workflow on macOS and Windows).
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Where else a Chromium or Chrome may be: on PATH, or where macOS and Windows install Chrome.
OTHER_BROWSERS = [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
]
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


def unavailable(reason: str, tests: str = "browser tests") -> None:
    """Skip the calling test with the reason, or fail it in CI (``.ci/run`` installs the tools).

    ``BROWSER_TESTS=optional`` lets a CI without them skip too (the hosted runners).
    """
    if os.environ.get("CI") and os.environ.get("BROWSER_TESTS") != "optional":
        pytest.fail(f"{reason}. CI must run the {tests} (see .ci/run).", pytrace=False)
    pytest.skip(f"{reason}: {tests} skipped (CI runs them)")


def find_browser() -> Path | None:
    """The browser to drive: $CHROMIUM, Debian's Chromium, or another Chromium or Chrome."""
    named = os.environ.get("CHROMIUM")
    if named:
        return Path(named)
    if CHROMIUM.exists():
        return CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(p) for p in OTHER_BROWSERS if Path(p).exists()), None)


@contextmanager
def chromium_browser():
    """Yield a Playwright Browser running /usr/bin/chromium headless."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (requirements-dev.txt)")
    executable = find_browser()
    if executable is None:
        unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
