"""The documentation site: it builds with ``mkdocs build --strict``, and opened in Chromium with
every non-loopback request blocked it typesets every equation, leaves no raw TeX, requests
nothing from another host, and remembers the reader's rowmajor | colmajor choice. Every
formula fits its box at a phone's and two desktops' widths, the two tabs of every pair show
different code, the site works opened from disk, and every Python block of it runs.

The browser tests need Debian's Chromium at /usr/bin/chromium (``scripts/test.sh`` installs
it): without it they fail, they do not skip. Each pytest-xdist worker builds and serves its
own copy of the site.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost"}
LABELS = ["rowmajor", "colmajor"]


def nav_pages() -> list[str]:
    """The Markdown files of mkdocs.yml's nav, in order."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)

    return list(walk(config["nav"]))


def url_of(page: str) -> str:
    """The site path mkdocs gives a page (``use_directory_urls: false``): ``backprop.md`` ->
    ``backprop.html``, so that a copy opened from disk links to files, not to directories."""
    return page.removesuffix(".md") + ".html"


PAGES = nav_pages()
API = {p for p in PAGES if p.startswith("api/")}
TAB_PAGES = set(PAGES) - API
"""Pages with equations or code: each must show the two convention tabs."""
MATH_PAGES = TAB_PAGES - {"performance.md"}
"""Pages that must also show typeset math."""
KEY_SECTIONS = ["linear_forward", "activation_forward", "forward", "cost", "loss_backward",
                "activation_backward", "linear_backward", "backward", "l2_cost", "l2_backward",
                "dropout_forward", "dropout_backward", "batchnorm_statistics", "batchnorm_forward",
                "batchnorm_backward", "layernorm_forward", "layernorm_backward"]
"""The source sections (``# --8<-- [start:name]``) that stand beside their equations."""
RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\[A-Za-z]+|\b[A-Za-z]_\{")
WIDTHS = [390, 1280, 1440]
"""A phone and two desktops, in CSS pixels."""


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``mkdocs build --strict`` into a temporary directory, once per (xdist worker) session."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )
    return out, result


@pytest.fixture(scope="session")
def site(build: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    out, result = build
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 from a thread; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's browser is Debian's Chromium, with its own network chatter off."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}}


class Traffic:
    """Every request of a browser context: loopback ones go through, the others are aborted
    and counted; loopback responses with an error status are counted too."""

    def __init__(self, page: Any) -> None:
        self.external: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.context.route("**/*", self.route)
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def route(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()


INSPECT = """() => {
  const content = document.querySelector("article.md-content__inner");
  const clone = document.body.cloneNode(true);  // the navigation and the table of contents too
  clone.querySelectorAll(".katex, script, style").forEach(e => e.remove());
  const sets = [...content.querySelectorAll(".tabbed-set")];
  return {
    text: clone.textContent,
    arithmatex: content.querySelectorAll(".arithmatex").length,
    unrendered: [...content.querySelectorAll(".arithmatex")].filter(e => !e.querySelector(".katex"))
                  .map(e => e.textContent.slice(0, 80)),
    katex: content.querySelectorAll(".katex").length,
    katexErrors: [...content.querySelectorAll(".katex-error")].map(e => e.textContent.slice(0, 80)),
    code: content.querySelectorAll("pre code").length,
    tabLabels: sets.map(s => [...s.querySelectorAll(".tabbed-labels > label")].map(l => l.textContent.trim())),
    katexFontLoaded: [...document.fonts].some(f => f.family.includes("KaTeX") && f.status === "loaded"),
    pairs: [...content.querySelectorAll(".grid.eqcode")].map(g => [...g.children].map(
      c => c.querySelector(".katex") ? "math" : c.querySelector("pre code") ? "code" : c.tagName)),
    sameCode: sets.flatMap(s => {  // the k-th code block of one tab against the k-th of the other
      const [one, other] = [...s.querySelectorAll(":scope > .tabbed-content > .tabbed-block")]
        .map(b => [...b.querySelectorAll("pre > code")].map(c => c.textContent));
      return (one || []).filter((code, k) => other && code === other[k]).map(code => code.slice(0, 80));
    }),
  };
}"""

SELECTED = """(label) => {
  const sets = [...document.querySelectorAll(".tabbed-set")];
  return sets.length > 0 && sets.every(set => {
    const tab = [...set.querySelectorAll(".tabbed-labels > label")].find(l => l.textContent.trim() === label);
    return tab !== undefined && document.getElementById(tab.htmlFor).checked;
  });
}"""


def test_mkdocs_build_strict(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, result = build
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    built = {p.relative_to(out).as_posix() for p in out.rglob("*.html")} - {"404.html"}
    assert built == {url_of(p) for p in PAGES}, "every page is in the nav, and only those"
    pairs = sum((out / url_of(p)).read_text().count('class="grid eqcode"') for p in PAGES)
    assert pairs >= 26, "the equation-beside-code pairs"
    shown = "".join((ROOT / "docs" / p).read_text() for p in PAGES)
    for module in ("rowmajor", "colmajor"):  # every key equation's code, in each convention
        missing = [name for name in KEY_SECTIONS if f'"nnconv/{module}.py:{name}"' not in shown]
        assert not missing, f"{module}: {missing}"


def test_site_has_no_external_urls_in_assets(site: Path) -> None:
    """Nothing the pages load names another host: no CDN script, stylesheet or font."""
    for path in site.rglob("*"):
        if path.suffix in {".html", ".css", ".js"}:
            text = path.read_text(encoding="utf-8")
            found = re.findall(r"""(?:src|href)=["']?(?:https?:)?//[^"' >]+|url\(["']?(?:https?:)?//[^)]+\)"""
                               r"""|@import\s+["']?(?:https?:)?//""", text)
            loads = [f for f in found if not f.startswith("href")]  # plain links may point anywhere
            assert not loads, f"{path.relative_to(site)} loads {loads[:3]}"


def test_pictures_are_committed_and_their_numbers_are_current() -> None:
    """The worked example's numbers on the Training page are what its script computes now."""
    sys.path.insert(0, str(ROOT / "docs" / "scripts"))
    try:
        import digits_cost_curve as script
    finally:
        sys.path.pop(0)
    result = script.train_both()
    assert np.array_equal(result["row"]["W1"].T, result["col"]["W1"])
    assert (ROOT / "docs" / "img" / "digits-cost.png").stat().st_size > 10_000
    assert (ROOT / "docs" / "scripts" / "digits_cost_curve.out").read_text() == script.report(result)


def test_fit_runs_the_loop_of_the_training_page() -> None:
    """The Training page says ``fit`` computes what its hand-written loop computes, up to rounding."""
    sys.path.insert(0, str(ROOT / "docs" / "scripts"))
    try:
        import digits_cost_curve as script
    finally:
        sys.path.pop(0)
    from nnconv import colmajor, datasets, rowmajor

    X, Y, _ = datasets.load("digits")
    X, Y = X[:300], Y[:300]
    for nn, to in ((rowmajor, lambda a: a), (colmajor, lambda a: a.T)):
        loop = script.train_rowmajor if nn is rowmajor else script.train_colmajor
        params, history = loop(to(X), to(Y))
        fitted, fit_history = nn.fit(to(X), to(Y), nn.init_params(script.LAYER_DIMS, seed=0),
                                     script.ACTIVATIONS, loss="ce", learning_rate=script.LEARNING_RATE,
                                     epochs=script.EPOCHS, batch_size=script.BATCH_SIZE, seed=0)
        np.testing.assert_allclose(fit_history, history, rtol=1e-10)
        for k in params:
            np.testing.assert_allclose(fitted[k], params[k], rtol=1e-10, atol=1e-13)


def test_chromium_is_installed() -> None:
    assert Path(CHROMIUM).exists(), f"the browser tests need Debian's chromium at {CHROMIUM}"


browser = pytest.mark.browser
"""The tests that drive Chromium."""


@browser
@pytest.mark.parametrize("page_file", PAGES)
def test_page_renders_offline(page: Any, server: str, page_file: str) -> None:
    """Every formula typeset, nothing fetched from another host, the two convention tabs on
    every page with equations or code, and every pair of code blocks in them (included source
    or example) different: switching the tab shows what the convention changes."""
    traffic = Traffic(page)
    page.goto(server + url_of(page_file), wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    info = page.evaluate(INSPECT)
    raw = sorted(set(RAW_TEX.findall(info["text"])))
    assert not raw, f"raw TeX in the page text: {raw}"
    assert not info["unrendered"], f"math left untypeset: {info['unrendered']}"
    assert not info["katexErrors"], f"KaTeX could not parse: {info['katexErrors']}"
    assert traffic.external == [], "requests to other hosts"
    assert traffic.failed == [], "local requests that failed"
    assert traffic.errors == [], "JavaScript errors"
    assert all(pair == ["math", "code"] for pair in info["pairs"]), info["pairs"]
    if page_file in MATH_PAGES:
        assert info["katex"] > 0 and info["katexFontLoaded"], "typeset math with KaTeX's own fonts"
    if page_file in TAB_PAGES:
        assert info["tabLabels"], "the convention tabs"
        assert all(labels == LABELS for labels in info["tabLabels"]), info["tabLabels"]
    assert not info["sameCode"], f"code that reads the same in both tabs: {info['sameCode']}"


@browser
def test_convention_choice_follows_the_reader(page: Any, server: str, tmp_path: Path) -> None:
    traffic = Traffic(page)
    page.goto(server + url_of("backprop.md"), wait_until="networkidle")
    assert page.evaluate(SELECTED, "rowmajor"), "rowmajor is the first tab"
    rowmajor_shot = page.screenshot(full_page=True, path=tmp_path / "backprop-rowmajor.png")

    page.locator(".tabbed-labels > label", has_text="colmajor").first.click()
    page.wait_for_function(SELECTED, arg="colmajor")
    colmajor_shot = page.screenshot(full_page=True, path=tmp_path / "backprop-colmajor.png")
    assert rowmajor_shot != colmajor_shot

    page.goto(server + url_of("forward.md"), wait_until="networkidle")  # another page
    page.wait_for_function(SELECTED, arg="colmajor", timeout=5000)
    page.reload(wait_until="networkidle")  # a later visit
    page.wait_for_function(SELECTED, arg="colmajor", timeout=5000)
    other = page.context.new_page()
    other.goto(server + url_of("cost.md"), wait_until="networkidle")  # a new tab of the same browser
    other.wait_for_function(SELECTED, arg="colmajor", timeout=5000)

    other.locator(".tabbed-labels > label", has_text="rowmajor").first.click()
    page.goto(server + url_of("training.md"), wait_until="networkidle")
    page.wait_for_function(SELECTED, arg="rowmajor", timeout=5000)
    assert traffic.external == []


@browser
@pytest.mark.parametrize(("width", "side_by_side"), [(1440, True), (390, False)])
def test_equations_beside_code(page: Any, server: str, width: int, side_by_side: bool) -> None:
    """Equation and code share a row on a wide screen and stack on a phone."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + url_of("backprop.md"), wait_until="networkidle")
    boxes = page.evaluate("""() => [...document.querySelectorAll(".grid.eqcode")]
        .filter(g => g.offsetParent !== null)
        .map(g => [...g.children].map(c => { const r = c.getBoundingClientRect();
                                            return [r.left, r.right, r.top, r.bottom]; }))""")
    assert boxes, "visible equation-beside-code pairs"
    for (left1, right1, top1, bottom1), (left2, _, top2, _) in (b[:2] for b in boxes):
        if side_by_side:
            assert left2 >= right1 and top2 < bottom1
        else:
            assert top2 >= bottom1 - 1


FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,}) *(?:python|\{[^}]*\.python\b[^}]*\})\s*$")
TAB = re.compile(r'^=== "(?P<label>[^"]+)"')


def python_blocks(page: str) -> list[tuple[int, str | None, str]]:
    """``(line, tab, code)`` of every Python block of ``docs/page`` in order, ``tab`` the label of
    the content tab it stands in (None outside tabs). Source excerpts included with ``--8<--``
    are left out: they are the package's own lines, run by the rest of the suite."""
    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").split("\n")
    blocks, tab, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        if line.strip() and not line.startswith(" "):
            match = TAB.match(line)
            tab = match["label"] if match else None
        fence = FENCE.match(line)
        if fence:
            indent, end = fence["indent"], i + 1
            while lines[end].strip() != fence["fence"] or not lines[end].startswith(indent):
                end += 1
            code = "\n".join(text[len(indent):] for text in lines[i + 1:end])
            if "--8<--" not in code:
                blocks.append((i + 1, tab if indent else None, code))
            i = end
        i += 1
    return blocks


SOURCE_FILE = re.compile(r'^ *(?:`{3,}|~{3,}) *\{[^}]*\.python\b[^}]*title="(?P<name>[\w.]+\.py)"')


def python_files(page: str) -> dict[str, str]:
    """``{file name: code}`` of the Python blocks of ``docs/page`` titled with a file name
    (``{ .python title="layers.py" }``), in whichever tab they stand: the files a reader saves."""
    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").split("\n")
    names = {i + 1: match["name"] for i, line in enumerate(lines) if (match := SOURCE_FILE.match(line))}
    return {names[line]: code for line, _, code in python_blocks(page) if line in names}


def block_runs() -> list[tuple[str, str | None]]:
    """``(page, tab)`` for every page with Python blocks and every tab label among them."""
    runs = []
    for page in PAGES:
        blocks = python_blocks(page)
        tabs = sorted({tab for _, tab, _ in blocks if tab is not None})
        runs += [(page, tab) for tab in tabs or ([None] if blocks else [])]
    return runs


@pytest.mark.parametrize(("page_file", "tab"), block_runs())
def test_every_python_block_runs_as_shown(page_file: str, tab: str | None, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block of every page in the nav runs as the reader sees it.

    The rule for writing a page: the blocks of one tab label (``rowmajor`` or ``colmajor``) on
    a page, together with the page's blocks outside tabs, run in page order in one fresh
    namespace, as a reader following the page in that convention would run them. So a block
    either has its own imports and data, or comes after a block of the same page that
    provides them. A block titled with a file name (``title="layers.py"``) is a file the reader
    saves: every such file of the page, in either tab, is written to the working directory
    (importable) before the blocks run. Source excerpts included with ``--8<--`` are not run here.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name, code in python_files(page_file).items():
        (tmp_path / name).write_text(code, encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    ran = 0
    for line, block_tab, code in python_blocks(page_file):
        if block_tab in (None, tab):
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, f"docs/{page_file}:{line}", "exec"), namespace)
            ran += 1
    assert ran > 0


def test_the_block_finder_sees_tabs_and_skips_excerpts() -> None:
    """The finder behind the test above: the Training page's worked examples come in tab pairs,
    and its included loops are not among them."""
    blocks = python_blocks("training.md")
    tabs = [tab for _, tab, _ in blocks]
    assert tabs and tabs == LABELS * (len(tabs) // 2)
    assert all("import" in code and "--8<--" not in code for _, _, code in blocks)
    assert any("nn.fit(" in code for _, _, code in blocks)


FIT = """() => {
  const content = document.querySelector("article.md-content__inner");
  const name = k => (k.querySelector("annotation") || k).textContent.replace(/\\s+/g, " ").slice(0, 60);
  const chosen = block => {  // the block of its tab set that the reader has chosen
    const set = block.closest(".tabbed-set");
    const inputs = [...set.querySelectorAll(":scope > input")];
    const blocks = [...set.querySelectorAll(":scope > .tabbed-content > .tabbed-block")];
    return inputs[blocks.indexOf(block)]?.checked;
  };
  const wide = [], hidden = [], code = [];
  for (const k of content.querySelectorAll(".katex")) {
    if (k.parentElement.closest(".katex")) continue;
    let block = k, meant = true;  // meant to be seen: in the chosen tab of every tab set
    while ((block = block.parentElement.closest(".tabbed-block")) !== null) meant &&= chosen(block);
    if (!meant || k.closest("details:not([open])")) continue;
    const r = k.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(k).visibility !== "visible") {
      hidden.push(name(k));
      continue;
    }
    const display = k.closest(".katex-display");
    const box = display ? display.parentElement
                        : k.parentElement.closest("p, li, td, th, dd, dt, h1, h2, h3, h4, h5, h6, div");
    const b = box.getBoundingClientRect();
    const over = Math.max(r.right - b.right, b.left - r.left, display ? box.scrollWidth - box.clientWidth : 0);
    if (over > 1) wide.push(`${name(k)} (${Math.round(over)} px too wide)`);
  }
  for (const c of content.querySelectorAll("pre > code")) {
    if (c.getClientRects().length && c.scrollWidth > c.clientWidth + 1) {
      code.push({ paired: c.closest(".grid.eqcode") !== null, text: c.textContent.slice(0, 60) });
    }
  }
  return { wide, hidden, code };
}"""

SETTLED = """() => document.fonts.ready.then(
  () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))"""
"""Resolves once the fonts are in and katex.js has fitted the formulas a change just showed."""


def choose(page: Any, label: str) -> None:
    """Click the ``label`` tab, as a reader does; every tab set of the page follows it."""
    page.locator(".tabbed-labels > label", has_text=label).first.click()
    page.wait_for_function(SELECTED, arg=label, timeout=5000)
    page.evaluate(SETTLED)


@pytest.fixture(scope="module")
def reader(browser: Any, server: str) -> Iterator[tuple[Any, Traffic]]:
    """One page of one browser context, reused by the layout tests from site page to site page."""
    context = browser.new_context()
    page = context.new_page()
    traffic = Traffic(page)
    yield page, traffic
    context.close()


@browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_file", PAGES)
def test_every_formula_fits_its_box(reader: tuple[Any, Traffic], server: str, page_file: str, width: int) -> None:
    """In both conventions, no typeset formula is wider than its box (a display equation's
    block, an inline one's paragraph or cell) and none in the chosen tab is hidden. No code
    that stands beside an equation is cut (it would scroll), and on a phone, whose scrollbars
    show only while scrolling, no code at all."""
    page, traffic = reader
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + url_of(page_file), wait_until="load")
    page.evaluate(SETTLED)
    tabs = page.locator(".tabbed-labels > label").count() > 0
    for label in LABELS if tabs else [None]:
        if label is not None:
            choose(page, label)
        found = page.evaluate(FIT)
        where = f"{page_file}, {label or 'no tabs'}, {width} px"
        assert not found["wide"], f"{where}: formulas wider than their box: {found['wide']}"
        assert not found["hidden"], f"{where}: formulas hidden: {found['hidden']}"
        cut = [c["text"] for c in found["code"] if c["paired"] or width < 720]
        assert not cut, f"{where}: code cut: {cut}"
    assert traffic.external == [] and traffic.errors == []


@browser
def test_the_site_opened_from_disk_needs_no_network(page: Any, site: Path) -> None:
    """The built site opened as files (``file://``), every request to a network refused: each
    link of the navigation opens its page with its math typeset, and every link of a page
    leads to a file, not to a directory (which a browser would show as a listing)."""
    refused: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.context.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "index.html").as_uri(), wait_until="load")
    nav = page.evaluate("""() => [...new Set([...document.querySelectorAll(".md-nav--primary a.md-nav__link[href]")]
                                   .map(a => a.href.split("#")[0]))]""")
    assert {url.removeprefix(site.as_uri() + "/") for url in nav} == {url_of(p) for p in PAGES}
    for url in nav:
        page.goto(url, wait_until="load")
        assert page.locator("article.md-content__inner").count() == 1, f"{url} is not a page"
        page.wait_for_function("""() => [...document.querySelectorAll(".arithmatex")]
                                      .every(e => e.querySelector(".katex"))""", timeout=5000)
        links = page.evaluate("""() => [...document.querySelectorAll("a[href]")].map(a => a.href)
                                        .filter(href => href.startsWith("file:"))""")
        for link in links:
            target = Path(unquote(urlsplit(link).path))
            assert target.is_file(), f"{url} links to {link}, not a file"
    assert refused == [], "requests to a network"
    assert errors == [], "JavaScript errors"


@browser
def test_search_results_show_typeset_math(page: Any, server: str) -> None:
    """Search results quote the pages' text: their math is typeset too, not shown as TeX."""
    traffic = Traffic(page)
    page.goto(server + url_of("backprop.md"), wait_until="networkidle")
    page.locator("input.md-search__input").click()
    page.keyboard.type("Kronecker delta", delay=20)  # Material searches as keys are typed
    page.wait_for_selector(".md-search-result__article .katex", timeout=10000)
    text = page.evaluate("""() => { const results = document.querySelector(".md-search-result").cloneNode(true);
                                    results.querySelectorAll(".katex").forEach(e => e.remove());
                                    return results.textContent; }""")
    assert not RAW_TEX.findall(text), RAW_TEX.findall(text)[:5]
    assert traffic.external == [] and traffic.errors == []
