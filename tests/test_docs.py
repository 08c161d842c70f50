"""The documentation site: it builds with ``mkdocs build --strict``, and opened in Chromium with
every non-loopback request blocked it typesets every equation, leaves no raw TeX, requests
nothing from another host, and remembers the reader's rowmajor | colmajor choice.

The browser tests need Debian's Chromium at /usr/bin/chromium (``scripts/test.sh`` installs
it): without it they fail, they do not skip. Each pytest-xdist worker builds and serves its
own copy of the site.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    """The site path mkdocs gives a page: ``backprop.md`` -> ``backprop/``."""
    stem = page.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


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
RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\[A-Za-z]+")


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
    built = {p.relative_to(out).as_posix() for p in out.rglob("index.html")}
    assert built == {url_of(p) + "index.html" for p in PAGES}, "every page is in the nav, and only those"
    pairs = sum((out / url_of(p) / "index.html").read_text().count('class="grid eqcode"') for p in PAGES)
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


@browser
def test_convention_choice_follows_the_reader(page: Any, server: str, tmp_path: Path) -> None:
    traffic = Traffic(page)
    page.goto(server + "backprop/", wait_until="networkidle")
    assert page.evaluate(SELECTED, "rowmajor"), "rowmajor is the first tab"
    rowmajor_shot = page.screenshot(full_page=True, path=tmp_path / "backprop-rowmajor.png")

    page.locator(".tabbed-labels > label", has_text="colmajor").first.click()
    page.wait_for_function(SELECTED, arg="colmajor")
    colmajor_shot = page.screenshot(full_page=True, path=tmp_path / "backprop-colmajor.png")
    assert rowmajor_shot != colmajor_shot

    page.goto(server + "forward/", wait_until="networkidle")  # another page
    page.wait_for_function(SELECTED, arg="colmajor", timeout=5000)
    page.reload(wait_until="networkidle")  # a later visit
    page.wait_for_function(SELECTED, arg="colmajor", timeout=5000)
    other = page.context.new_page()
    other.goto(server + "cost/", wait_until="networkidle")  # a new tab of the same browser
    other.wait_for_function(SELECTED, arg="colmajor", timeout=5000)

    other.locator(".tabbed-labels > label", has_text="rowmajor").first.click()
    page.goto(server + "training/", wait_until="networkidle")
    page.wait_for_function(SELECTED, arg="rowmajor", timeout=5000)
    assert traffic.external == []


@browser
@pytest.mark.parametrize(("width", "side_by_side"), [(1440, True), (390, False)])
def test_equations_beside_code(page: Any, server: str, width: int, side_by_side: bool) -> None:
    """Equation and code share a row on a wide screen and stack on a phone."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + "backprop/", wait_until="networkidle")
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
