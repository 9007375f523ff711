"""ptk's MJML output against the reference compiler, npm ``mjml``, in a real browser.

Every email of ``corpus/`` is compiled by ptk (MRML with ptk's corrections) and by npm mjml
(``worker.js``, a test-time dependency pinned in package.json/package-lock.json), rendered
with the same Handlebars data (``corpus/data.json``), and shown in Chromium at 600 and 375 px.
A case passes when

- every Handlebars token of the source reaches both outputs byte for byte, and neither output
  holds a token the source does not (a mangled one);
- the full-page screenshots differ in at most 0.5 % of their pixels at each width
  (``pixelmatch``; see docs/mjml.md for the method), and
- the visible text, the links (``href``) and the images (``src``, ``alt``, ``width``) are
  the same,

or when it is listed in ``KNOWN`` with the reason and the largest difference accepted (each
also documented in docs/mjml.md). ``PTK_UPDATE_DOCS=1`` rewrites the table in docs/mjml.md.

Skipped, with the reason, when node, ``npm ci`` in this folder or Chromium is missing;
``.ci/run`` installs all three.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from toolkit.handlebars import parse, render
from toolkit.mjml import compile_mjml, normalise_newlines, read_includes

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
CASES = sorted(CORPUS.glob("*.mjml"))
DOCS = HERE.parents[1] / "docs" / "mjml.md"
WIDTHS = (600, 375)
LIMIT = 0.005  # pixel-difference ratio within which ptk's rendering counts as the same


pytestmark = [pytest.mark.browser]  # the browser fixture (tests/conftest.py) skips without it


@pytest.fixture(scope="module")
def chromium_args() -> list[str]:
    return ["--font-render-hinting=none", "--hide-scrollbars"]  # stable screenshots


@dataclass(frozen=True)
class Known:
    """A case where ptk's output is known to differ: the largest pixel-difference ratio
    accepted at each width, whether the text/links/images differ too, and why."""

    limit: float
    reason: str
    facts_differ: bool = False


# Each entry is also in docs/mjml.md ("Known differences"), with its measured size.
KNOWN: dict[str, Known] = {}


# --- the reference compiler and the image diff (node) ------------------------------------------

class Reference:
    """``node worker.js``: one JSON request per line, one answer per line."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(["node", str(HERE / "worker.js")], cwd=HERE,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer["error"]
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def reference() -> Iterator[Reference]:
    if shutil.which("node") is None:
        pytest.skip("needs node to run the reference compiler (npm mjml)")
    if not (HERE / "node_modules" / "mjml").is_dir():
        pytest.skip("needs `npm ci` in tests/mjml_reference (.ci/run does it)")
    worker = Reference()
    yield worker
    worker.close()


# --- images and pages, offline --------------------------------------------------------------

def _png(width: int, height: int, key: str) -> bytes:
    """A ``width`` x ``height`` PNG: a colour taken from ``key``, a darker 2 px frame and a
    diagonal, so a change of size, position or crop shows in a screenshot."""
    digest = hashlib.sha256(key.encode()).digest()
    fill, edge = bytes(digest[:3]), bytes(b // 2 for b in digest[:3])
    reach = max(width, height) * 2
    rows = []
    for y in range(height):
        if y < 2 or y >= height - 2:
            row = bytearray(edge * width)
        else:
            row = bytearray(fill * width)
            row[:6] = row[-6:] = edge * 2
            low = max(0, (y * width - reach) // height + 1)
            high = min(width, -(-(y * width + reach) // height))
            if high > low:
                row[3 * low:3 * high] = edge * (high - low)
        rows.append(b"\0" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


_IMAGES: dict[str, bytes] = {}
_SIZE = re.compile(r"-(\d{1,4})x(\d{1,4})\.png(?:$|\?)")


def _server(pages: dict[str, str]) -> Callable[[Any], None]:
    """A route handler answering from ``pages`` (Playwright passes the request too when the
    handler takes a second argument, so it takes one)."""
    return lambda route: _serve(route, pages)


def _serve(route: Any, pages: dict[str, str]) -> None:
    """Every request of the page is answered here; nothing reaches the network. Images are
    made up from their URL (``...-600x240.png`` gives that size, others 48 x 48 icons)."""
    url = route.request.url
    if url in pages:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=pages[url])
    elif route.request.resource_type == "image":
        if url not in _IMAGES:
            size = _SIZE.search(url)
            width, height = (int(size.group(1)), int(size.group(2))) if size else (48, 48)
            _IMAGES[url] = _png(width, height, url)
        route.fulfill(status=200, content_type="image/png", body=_IMAGES[url])
    else:  # web fonts' CSS and anything else: unavailable, as for a client offline
        route.fulfill(status=404, body="")


FACTS = r"""() => {
  const squash = (s) => (s || '').replace(/\s+/g, ' ').trim();
  return {
    title: squash(document.title),
    // whitespace between inline elements is the screenshots' business (npm mjml indents
    // its output, MRML does not); the words and their order are compared here
    text: (document.body.innerText || '').replace(/\s+/g, ''),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
    images: [...document.querySelectorAll('img')].map((i) =>
      [i.getAttribute('src'), i.getAttribute('alt'), i.getAttribute('width')]),
  };
}"""


# Everything the page shows is loaded and decoded before the screenshot: images, background
# images (CSS and the HTML background attribute alike) and fonts; then two frames are drawn.
SETTLED = r"""async () => {
  const urls = new Set();
  for (const element of document.querySelectorAll('*')) {
    for (const m of getComputedStyle(element).backgroundImage.matchAll(/url\("?([^")]+)"?\)/g)) {
      urls.add(m[1]);
    }
  }
  const loaded = (image) => image.decode ? image.decode().catch(() => null) : null;
  await Promise.all([...urls].map((url) => { const i = new Image(); i.src = url; return loaded(i); }));
  await Promise.all([...document.images].map(loaded));
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def _shoot(browser: Any, html: str, width: int, path: Path) -> dict[str, Any]:
    """Full-page screenshot of ``html`` at ``width`` into ``path``; the page's facts."""
    url = "https://email.test/index.html"
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  device_scale_factor=1, color_scheme="light",
                                  reduced_motion="reduce")
    try:
        context.route("**/*", lambda route: _serve(route, {url: html}))
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=15000)
        page.evaluate(SETTLED)
        page.screenshot(path=str(path), full_page=True, animations="disabled", timeout=15000)
        return page.evaluate(FACTS)
    finally:
        context.close()


# --- Handlebars tokens -----------------------------------------------------------------------

_TOKEN = re.compile(r"\{\{\{?.*?\}\}\}?", re.S)


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text))


def _render(html: str) -> str:
    data = json.loads((CORPUS / "data.json").read_text(encoding="utf-8"))
    return render(parse(html), data).text


# --- the suite -------------------------------------------------------------------------------

RESULTS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module", autouse=True)
def _table() -> Iterator[None]:
    started = time.perf_counter()
    yield
    if os.environ.get("PTK_UPDATE_DOCS") and len(RESULTS) == len(CASES):
        _write_table(time.perf_counter() - started)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_ptk_renders_like_the_reference_compiler(case: Path, reference: Reference,
                                                 browser: Any, tmp_path: Path) -> None:
    source = case.read_bytes().decode("utf-8")
    includes = read_includes(normalise_newlines(source), path=case)
    ours = compile_mjml(source, path=case, includes=includes)
    compiled = reference.ask(op="compile", source=source, path=str(case))
    assert compiled["errors"] == [], f"the corpus must be valid MJML: {compiled['errors']}"
    theirs = compiled["html"]

    written = _tokens(source).union(*(_tokens(i.text) for i in includes))
    for name, html in (("ptk", ours), ("npm mjml", theirs)):
        assert written <= _tokens(html), f"{name} lost {sorted(written - _tokens(html))}"
        assert _tokens(html) <= written, f"{name} changed {sorted(_tokens(html) - written)}"

    ratios, facts = {}, {}
    for width in WIDTHS:
        shots = {}
        for name, html in (("ptk", ours), ("npm", theirs)):
            shots[name] = tmp_path / f"{case.stem}-{width}-{name}.png"
            facts[name, width] = _shoot(browser, _render(html), width, shots[name])
        diff = reference.ask(op="diff", a=str(shots["ptk"]), b=str(shots["npm"]),
                             out=str(tmp_path / f"{case.stem}-{width}-diff.png"))
        ratios[width] = diff["different"] / (diff["width"] * diff["height"])
    same_facts = {k: v for k, v in facts.items() if k[1] == WIDTHS[0]}
    facts_equal = same_facts["ptk", WIDTHS[0]] == same_facts["npm", WIDTHS[0]]
    within = all(r <= LIMIT for r in ratios.values())
    known = KNOWN.get(case.stem)
    verdict = "same" if within and facts_equal else "known difference" if known else "differs"
    RESULTS[case.stem] = {"ratios": ratios, "facts_equal": facts_equal, "verdict": verdict}

    if known is not None:
        assert not (within and facts_equal), \
            f"{case.stem} now matches: remove it from KNOWN and from docs/mjml.md"
        assert all(r <= known.limit for r in ratios.values()), (ratios, known.reason)
        assert facts_equal or known.facts_differ, (
            same_facts["ptk", WIDTHS[0]], same_facts["npm", WIDTHS[0]])
        return
    assert facts_equal, (same_facts["ptk", WIDTHS[0]], same_facts["npm", WIDTHS[0]])
    assert within, f"pixel difference {ratios} over {LIMIT:.1%} (diff images in {tmp_path})"


COMPUTED = r"""(selector) => {
  const names = ['font-size', 'line-height', 'color', 'text-align', 'margin-top', 'font-weight',
                 'font-family', 'background-color', 'width'];
  return [...document.querySelectorAll(selector)].map((element) => {
    const style = getComputedStyle(element);
    return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
  });
}"""
_VALUE = re.compile(r'(=\s*)"([^"]*)"')


def test_multi_line_attributes_give_the_computed_styles_of_their_one_line_twin(
        browser: Any) -> None:
    """Prettier's multi-line attribute values against the same values on one line: MRML wrote
    the newlines as the two characters \\n and the browser dropped the declarations."""
    case = CORPUS / "multiline-attributes.mjml"
    source = case.read_text(encoding="utf-8")
    one_line = _VALUE.sub(lambda m: m.group(1) + '"' + " ".join(m.group(2).split()) + '"', source)
    assert one_line != source
    url = "https://email.test/index.html"
    computed = []
    for text in (source, one_line):
        pages = {url: compile_mjml(text, path=case)}
        context = browser.new_context(viewport={"width": 600, "height": 800})
        try:
            context.route("**/*", _server(pages))
            page = context.new_page()
            page.goto(url, wait_until="load", timeout=15000)
            computed.append({selector: page.evaluate(COMPUTED, selector)
                             for selector in ("h1", "p.intro", "a[href*=prettier]", "img")})
        finally:
            context.close()
    assert computed[0]["h1"][0]["font-size"] == "30px"  # the declarations were applied
    assert computed[0]["h1"][0]["color"] == "rgb(198, 40, 40)"
    assert computed[0] == computed[1]


def test_every_known_difference_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    known = docs.split("## Known differences", 1)[-1]
    missing = [name for name in KNOWN if f"`{name}`" not in known]
    assert not missing, f"document these known differences in docs/mjml.md: {missing}"
    assert not set(KNOWN) - {c.stem for c in CASES}


def _write_table(seconds: float) -> None:
    lines = ["| case | 600 px | 375 px | text, links, images | verdict |",
             "|---|---:|---:|---|---|"]
    for name, result in sorted(RESULTS.items()):
        ratios = result["ratios"]
        lines.append(f"| `{name}` | {ratios[600]:.3%} | {ratios[375]:.3%} | "
                     f"{'same' if result['facts_equal'] else 'differ'} | {result['verdict']} |")
    lines.append("")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines.append(f"{len(RESULTS)} cases, {seconds:.0f} s for the whole module on this machine "
                 f"(load average {load:.1f} at the end; `PTK_UPDATE_DOCS=1 python -m pytest "
                 "tests/mjml_reference`).")
    table = "\n".join(lines) + "\n"
    docs = DOCS.read_text(encoding="utf-8")
    start, end = "<!-- conformance-table:start -->\n", "<!-- conformance-table:end -->"
    head, rest = docs.split(start, 1)
    DOCS.write_text(head + start + table + end + rest.split(end, 1)[1], encoding="utf-8")
