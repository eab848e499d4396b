"""The built book as a reader sees it: every page of the table of contents, in Chromium.

Each page is opened once, from a local web server, and checked for what a
reader would notice: formulas shown as raw LaTeX, images that do not load,
animations that do not play, stored widgets that do not render, links inside
the book that lead nowhere, scripts that fail. The machine running the tests
has no network: the few files the pages take from CDNs are answered from local
copies (tests/offline_cdn.py), and any other external request is refused and
reported. With every hidden cell opened, as a reader may open it, each code
and output block is measured against the text column at 1280 px (none may
scroll sideways), each image against its drawn size (none shown below 85 %),
and axe-core checks the page for accessibility (no critical or serious
violation of the book's own content). Screenshots are saved to
_build/screenshots/ for a person to look at: the top of every chapter and
its first figure, and two chapters in full.
"""

from __future__ import annotations

import contextlib
import functools
import html.parser
import http.server
import mimetypes
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import yaml

from tests import offline_cdn
from tests.browser import unavailable

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Pages photographed for people: a chapter with formulas and animations, and training.
SCREENSHOT_PAGES = {
    "chapters/padding_stride": "a chapter with formulas, animations and a widget",
    "chapters/training": "the training chapter",
}
# axe-core from the npm registry (tests/offline_cdn.py fetches it into .ci/cache/npm).
AXE = ("axe-core", "4.14.1")
# Violations that come from the theme (pydata-sphinx-theme, sphinx-book-theme),
# not from the book: rule id -> {a class of the elements: why they are excluded}.
THEME_VIOLATIONS = {
    "label-content-name-mismatch": {
        "search-button": "the theme's search button is named 'Search' but shows 'Search… Ctrl+K'",
        "theme-switch-button": "the theme's colour-mode button is named 'Color mode', and its "
        "icon's hidden text says which mode is on",
    },
}
SMALLEST_SCALE = 0.85  # an image shown below 85 % of its drawn size has unreadable labels
TIMEOUT_MS = 30_000
WAIT_MS = 15_000  # for MathJax, widgets and images to finish
CLICK_TIMEOUT_MS = 5_000


def toc_pages() -> list[str]:
    """Every document of _toc.yml, root first, as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                pages.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key, []))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return [str(Path(p).with_suffix("")) for p in pages]


PAGES = toc_pages()


@dataclass
class Visit:
    """What one page showed in the browser."""

    page: str
    external: dict[str, str] = field(default_factory=dict)  # url -> "local copy" or why refused
    local_failures: list[str] = field(default_factory=list)  # same-site requests that failed
    script_errors: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    animations: list[dict] = field(default_factory=list)
    widgets: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    screenshot: Path | None = None
    chapter_shots: list[Path] = field(default_factory=list)  # the top and the first figure
    wide_blocks: list[dict] = field(default_factory=list)  # blocks that scroll or stick out
    shown_images: list[dict] = field(default_factory=list)  # displayed and natural widths
    axe: list[dict] = field(default_factory=list)  # serious and critical violations


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """The built HTML served on 127.0.0.1; yields (base url, html folder)."""
    html_dir, log, _ = built_book
    if not (html_dir / "index.html").exists():
        pytest.fail(f"the book did not build:\n{log[-3000:]}", pytrace=False)
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", html_dir
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def cdn_copies():
    try:
        offline_cdn.fetch()
    except offline_cdn.Unavailable as exc:
        unavailable(str(exc))


RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\[A-Za-z]{2,}|(?<![\\$\w])\$[^$\n]+\$(?!\w)")

MATH_JS = """
() => {
  const body = document.querySelector('article') || document.querySelector('main') || document.body;
  const math = [...body.querySelectorAll('span.math, div.math')];
  const unrendered = math.filter(m => !m.querySelector('mjx-container'))
                         .map(m => m.textContent.trim().slice(0, 120));
  const errors = [...body.querySelectorAll('mjx-merror')]
                   .map(e => e.getAttribute('data-mjx-error') || e.textContent);
  const prose = body.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
       .forEach(e => e.remove());
  return {count: math.length, rendered: body.querySelectorAll('mjx-container').length,
          unrendered, errors, text: prose.textContent};
}
"""

WIDGETS_JS = """
() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
  .map(tag => {
    const area = tag.previousElementSibling;
    const rendered = area && area.classList.contains('widget-subarea') ? area : null;
    return {
      model: JSON.parse(tag.textContent).model_id,
      rendered: !!(rendered && rendered.querySelector('.jupyter-widgets')),
      controls: rendered ? rendered.querySelectorAll('.jupyter-widgets').length : 0,
      errors: rendered ? [...rendered.querySelectorAll(
                           '.widget-error, .jupyter-widgets-error, .jupyter-widgets-error-widget')]
                         .map(e => e.textContent.trim().slice(0, 200)) : [],
    };
  })
"""

WIDGETS_READY_JS = """
() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
  .every(tag => { const a = tag.previousElementSibling;
                  return a && a.classList.contains('widget-subarea')
                         && a.querySelector('.jupyter-widgets'); })
"""

EAGER_IMAGES_JS = (
    "() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
)

IMAGES_JS = """
() => [...document.images].map(img => ({
  src: (img.currentSrc || img.src || '').slice(0, 100),
  alt: img.alt,
  loaded: img.complete && img.naturalWidth > 0,
}))
"""


OPEN_HIDDEN_CELLS_JS = """
() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden')
    .forEach(e => e.classList.remove('toggle-hidden'));
}
"""

# Every code block and output of the article, at most as wide as the column.
LAYOUT_JS = """
() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const right = article.getBoundingClientRect().right;
  const blocks = [...article.querySelectorAll(
    'pre, div.cell_output > div, div.cell_output table, table, .widget-subarea, .jupyter-widgets, '
    + '.widget-readout, .widget-label, .widget-dropdown select, .widget-toggle-button')];
  const wide = blocks
    .filter(e => e.offsetParent !== null)
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > right + 1)
    .map(e => ({tag: e.tagName, scroll: e.scrollWidth, client: e.clientWidth,
                right: Math.round(e.getBoundingClientRect().right), column_right: Math.round(right),
                text: e.textContent.trim().slice(0, 100)}));
  const images = [...article.querySelectorAll('img')]
    .filter(i => i.offsetParent !== null && i.naturalWidth > 0)
    .map(i => ({src: (i.currentSrc || i.src).split('/').pop().slice(0, 60), alt: i.alt,
                natural: i.naturalWidth, shown: i.getBoundingClientRect().width}));
  return {wide, images};
}
"""

AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          html: n.html.slice(0, 160)}))}));
}
"""

FIRST_FIGURE_JS = """
() => { const article = document.querySelector('article.bd-article')
                        || document.querySelector('main');
        const figure = [...article.querySelectorAll('img')]
          .find(i => i.offsetParent !== null && i.naturalWidth > 100);
        if (!figure) return false;
        figure.scrollIntoView({block: 'center'});
        return true; }
"""


try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the chromium fixture skips the tests, or fails them in CI
    PlaywrightError = Exception


def frame_of(page, anim_img_id: str) -> str:
    return page.eval_on_selector(f"#{anim_img_id}", "img => img.src")


def play_animations(page) -> list[dict]:
    """Step each matplotlib JavaScript animation one frame, then play it; record the frames."""
    results = []
    for img_id in page.eval_on_selector_all('img[id^="_anim_img"]', "els => els.map(e => e.id)"):
        box = page.locator(f".animation:has(#{img_id})")
        result = {"id": img_id, "frames": 0, "steps": False, "plays": False, "shown": False}
        results.append(result)
        try:
            slider = box.locator("input.anim-slider")
            result["frames"] = int(slider.get_attribute("max", timeout=CLICK_TIMEOUT_MS)) + 1
            first = frame_of(page, img_id)
            box.locator('button[title="Next frame"]').click(timeout=CLICK_TIMEOUT_MS)
            stepped = frame_of(page, img_id)
            result["steps"] = bool(first) and stepped != first
            box.locator('button[title="Play"]').click(timeout=CLICK_TIMEOUT_MS)
            with contextlib.suppress(PlaywrightError):  # if it does not move, it is recorded
                page.wait_for_function(
                    "([id, before]) => document.getElementById(id).src !== before",
                    arg=[img_id, stepped],
                    timeout=CLICK_TIMEOUT_MS,
                )
            result["plays"] = frame_of(page, img_id) != stepped
            box.locator('button[title="Pause"]').click(timeout=CLICK_TIMEOUT_MS)
            result["shown"] = page.eval_on_selector(f"#{img_id}", "i => i.naturalWidth > 0")
        except PlaywrightError as exc:  # a control is missing or dead
            result["error"] = str(exc).splitlines()[0]
    return results


@pytest.fixture(scope="module")
def axe_script(cdn_copies):
    """The path of axe.min.js, fetched from the npm registry once."""
    try:
        offline_cdn.fetch([AXE])
    except offline_cdn.Unavailable as exc:
        unavailable(str(exc))
    return offline_cdn.package_dir(*AXE) / "axe.min.js"


@pytest.fixture(scope="module")
def visit(chromium, site, cdn_copies, axe_script):
    """visit(page) opens a page of the book once and returns what it showed (cached)."""
    base, _ = site
    visits: dict[str, Visit | Exception] = {}

    def answer(route, record: Visit):
        url = route.request.url
        if url.startswith(base) or url.startswith(("data:", "blob:")):
            return route.continue_()
        copy = offline_cdn.local_file(url)
        if copy is not None:
            record.external[url] = "local copy"
            return route.fulfill(
                path=copy,
                content_type=mimetypes.guess_type(copy.name)[0] or "application/octet-stream",
                headers={"Access-Control-Allow-Origin": "*"},  # as the CDNs answer
            )
        if offline_cdn.is_copied(url):
            record.external[url] = "missing from the local copy"
        else:
            record.external[url] = "refused: no local copy (add one to tests/offline_cdn.py)"
        return route.abort()

    def open_page(name: str) -> Visit:
        if name not in visits:
            try:
                visits[name] = read_page(name)
            except PlaywrightError as exc:  # remembered: one slow failure, not one per test
                visits[name] = exc
        if isinstance(visits[name], Exception):
            pytest.fail(f"opening {name} in the browser failed: {visits[name]}", pytrace=False)
        return visits[name]

    def read_page(name: str) -> Visit:
        record = Visit(name)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", lambda route: answer(route, record))
            page.on("pageerror", lambda exc: record.script_errors.append(str(exc)))

            def failed(response):
                if response.url.startswith(base) and response.status >= 400:
                    record.local_failures.append(f"{response.status} {response.url}")

            page.on("response", failed)
            page.on(
                "requestfailed",
                lambda request: (
                    request.url.startswith(base)
                    and record.local_failures.append(f"{request.failure} {request.url}")
                ),
            )
            page.goto(base + name + ".html", wait_until="load")

            if page.locator("span.math, div.math").count():
                with contextlib.suppress(PlaywrightError):  # unrendered formulas: recorded below
                    page.wait_for_function(
                        "() => window.MathJax?.startup?.promise", timeout=WAIT_MS
                    )
                    page.evaluate("() => MathJax.startup.promise")
            if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
                with contextlib.suppress(PlaywrightError):  # recorded as not rendered below
                    page.wait_for_function(WIDGETS_READY_JS, timeout=WAIT_MS)
            record.math = page.evaluate(MATH_JS)
            record.widgets = page.evaluate(WIDGETS_JS)
            record.animations = play_animations(page)
            page.evaluate(EAGER_IMAGES_JS)  # lazy images below the fold load too
            with contextlib.suppress(PlaywrightError):  # recorded below
                page.wait_for_function(
                    "() => [...document.images].every(i => i.complete)", timeout=WAIT_MS
                )
            record.images = page.evaluate(IMAGES_JS)
            record.links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
            record.ids = set(
                page.eval_on_selector_all("[id], a[name]", "es => es.map(e => e.id || e.name)")
            )
            if name in SCREENSHOT_PAGES:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                record.screenshot = SCREENSHOTS / f"{Path(name).name}.png"
                page.evaluate("() => window.scrollTo(0, 0)")
                page.screenshot(path=record.screenshot, full_page=True)
            if name.startswith("chapters/"):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.evaluate("() => window.scrollTo(0, 0)")
                top = SCREENSHOTS / f"{Path(name).name}-top.png"
                page.screenshot(path=top)
                record.chapter_shots.append(top)
                if page.evaluate(FIRST_FIGURE_JS):
                    figure = SCREENSHOTS / f"{Path(name).name}-figure.png"
                    page.screenshot(path=figure)
                    record.chapter_shots.append(figure)
            # What a reader sees with every hidden cell (solutions, seed checks) opened.
            page.evaluate(OPEN_HIDDEN_CELLS_JS)
            page.wait_for_timeout(500)  # the boxes' opening transitions
            layout = page.evaluate(LAYOUT_JS)
            record.wide_blocks, record.shown_images = layout["wide"], layout["images"]
            page.add_script_tag(path=str(axe_script))
            record.axe = page.evaluate(AXE_JS)
        finally:
            context.close()
        return record

    return open_page


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_needs_only_the_book_and_known_cdn_copies(visit, page):
    record = visit(page)
    refused = {url: why for url, why in record.external.items() if why != "local copy"}
    assert not refused, f"{page} requested external files the test cannot serve: {refused}"
    assert not record.local_failures, (
        f"{page}: files of the book failed to load: {record.local_failures}"
    )


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_scripts_run_without_errors(visit, page):
    record = visit(page)
    assert not record.script_errors, f"{page}: JavaScript errors: {record.script_errors}"


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_math_is_rendered(visit, page):
    math = visit(page).math
    assert not math["unrendered"], f"{page}: formulas MathJax did not render: {math['unrendered']}"
    assert not math["errors"], f"{page}: MathJax errors: {math['errors']}"
    assert math["rendered"] >= math["count"]
    raw = sorted(set(RAW_TEX.findall(math["text"])))
    assert not raw, f"{page} shows raw LaTeX in its text: {raw}"


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(visit, page):
    broken = [image for image in visit(page).images if not image["loaded"]]
    assert not broken, f"{page}: images that did not load: {broken}"


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_every_animation_plays(visit, page):
    animations = visit(page).animations
    if stored_in_notebook(page, "_anim_img"):  # so that a selector that finds nothing fails
        assert animations, f"{page}: its notebook stores an animation, the page shows none"
    for animation in animations:
        assert "error" not in animation, f"{page}: the animation's controls fail: {animation}"
        assert animation["frames"] > 1, f"{page}: {animation}"
        assert animation["shown"], f"{page}: the animation shows no frame: {animation}"
        assert animation["steps"], f"{page}: 'next frame' does not change the frame: {animation}"
        assert animation["plays"], f"{page}: 'play' does not change the frame: {animation}"


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_every_stored_widget_renders(visit, page):
    widgets = visit(page).widgets
    if stored_in_notebook(page, "application/vnd.jupyter.widget-view+json"):
        assert widgets, f"{page}: its notebook stores a widget, the page shows none"
    for widget in widgets:
        assert widget["rendered"], f"{page}: a stored widget did not render: {widget}"
        assert not widget["errors"], f"{page}: a widget shows an error: {widget}"


def stored_in_notebook(page: str, marker: str) -> bool:
    """Whether the page's notebook has ``marker`` in its stored outputs."""
    notebook = ROOT / f"{page}.ipynb"
    return notebook.exists() and marker in notebook.read_text(encoding="utf-8")


class IdCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value or "")


@functools.cache
def static_ids(path: Path) -> frozenset[str]:
    collector = IdCollector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(collector.ids)


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(visit, site, page):
    """Every link to a page of the book exists, and so does its #anchor (external: not checked)."""
    base, html_dir = site
    broken = []
    for href in visit(page).links:
        if not href.startswith(base):
            continue  # another site (or mailto:, javascript:): out of scope
        url, anchor = urldefrag(href)
        path = unquote(urlsplit(url).path).lstrip("/")
        target = html_dir / path
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no such file")
            continue
        if not anchor or target.suffix != ".html":
            continue
        relative = str(target.relative_to(html_dir).with_suffix(""))
        ids = visit(relative).ids if relative in PAGES else static_ids(target)
        if unquote(anchor) not in ids:
            broken.append(f"{href}: no #{anchor} on {target.relative_to(html_dir)}")
    assert not broken, f"{page} has broken links:\n" + "\n".join(broken)


@pytest.mark.browser
@pytest.mark.parametrize("page", sorted(SCREENSHOT_PAGES))
def test_screenshot_saved(visit, page):
    if page not in PAGES:
        pytest.skip(f"no screenshot of {SCREENSHOT_PAGES[page]}: {page} is not in _toc.yml yet")
    shot = visit(page).screenshot
    assert shot is not None and shot.stat().st_size > 10_000, shot


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_no_code_or_output_is_wider_than_the_column(visit, page):
    wide = visit(page).wide_blocks
    assert not wide, f"{page}: blocks that scroll sideways or stick out at 1280 px:\n" + "\n".join(
        map(str, wide)
    )


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_every_image_is_shown_near_its_drawn_size(visit, page):
    images = visit(page).shown_images
    if stored_in_notebook(page, '"image/png"'):  # a selector that finds nothing must fail
        assert images, f"{page}: its notebook stores figures, the page shows none"
    small = [i for i in images if i["shown"] < SMALLEST_SCALE * i["natural"]]
    assert not small, (
        f"{page}: images shown below {SMALLEST_SCALE:.0%} of their drawn width "
        f"(redraw them narrower): {small}"
    )


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_every_figure_has_alternative_text_that_says_what_it_shows(visit, page):
    images = visit(page).shown_images
    bad = [i for i in images if len(i["alt"].split()) < 3 or "_images/" in i["alt"]]
    assert not bad, f"{page}: images whose alt text is missing or a file name: {bad}"


def excluded_as_theme(violation: dict, node: dict) -> bool:
    opening_tag = node["html"].split(">", 1)[0]
    return any(name in opening_tag for name in THEME_VIOLATIONS.get(violation["id"], {}))


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_serious_or_critical_violation(visit, page):
    found = []
    for violation in visit(page).axe:
        nodes = [n for n in violation["nodes"] if not excluded_as_theme(violation, n)]
        if nodes:
            found.append(
                f"{violation['impact']} {violation['id']} ({violation['help']}): "
                + "; ".join(f"{n['target']} {n['html']}" for n in nodes[:5])
            )
    assert not found, f"{page}: axe-core violations:\n" + "\n".join(found)


@pytest.mark.browser
@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("chapters/")])
def test_chapter_screenshots_saved(visit, page):
    """The top of each chapter, and its first figure where it has one, for a person to look at."""
    shots = visit(page).chapter_shots
    expected = 2 if stored_in_notebook(page, '"image/png"') else 1
    assert len(shots) == expected, (page, shots)
    assert all(shot.stat().st_size > 10_000 for shot in shots), shots
