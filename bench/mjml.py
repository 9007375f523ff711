"""Benchmark and conformance figures of ptk's MJML compile (issue 14).

``--compile`` (the default) times, side by side in one run (interleaved, CPU time of this
process, medians and the spread of the per-round medians), the uncached compile of the
bundled 11 KB welcome email by:

- MRML alone (``mrml.to_html`` with an in-memory include loader: the floor);
- ptk before issue 14 (``toolkit/mjml.py`` at ``--before``, loaded from git);
- ptk now (``toolkit.mjml.compile_document``: includes spliced by ptk, alt defaults, npm's
  attribute precedence, Handlebars set aside, output corrections).

``--tags`` times, side by side (interleaved rounds, CPU time), the scan for mj-* tags and
comments as the regex ``mjml_input.TAG.regex`` does it and as ``TAG.finditer`` (linear) does
it, on the welcome email and on two inputs the regex is quadratic on; the same for any tag
(``mjml._ANY_TAG``, check_depth's and check_comments' scan); then the uncached compile of
the welcome email with each.

``--conformance`` compiles every email of ``tests/mjml_reference/corpus`` with MRML alone and
with ptk, renders both and npm mjml's output in Chromium at 600 and 375 px, and prints the
pixel-difference ratio of each against npm mjml (needs node, ``npm ci`` in
tests/mjml_reference, and Chromium, like the test suite).

Usage: python bench/mjml.py [--compile] [--runs 9] [--before 63a1a4a] [--tags]
                           [--conformance [--case NAME ...]]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mrml

ROOT = Path(__file__).resolve().parent.parent
WELCOME = ROOT / "templates" / "welcome" / "email.mjml"


def _module_at(commit: str, name: str):
    """``toolkit/mjml.py`` as it was at ``commit``, imported as module ``name``."""
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:toolkit/mjml.py"],
                          check=True, capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp())
    (folder / f"{name}.py").write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def bench_compile(runs: int, before: str) -> None:
    from toolkit import mjml as now

    old = _module_at(before, "ptk_mjml_before")
    source = WELCOME.read_text(encoding="utf-8")
    includes = now.read_includes(source, path=WELCOME)
    memory = {inc.literal: inc.text for inc in includes}

    def mrml_alone() -> None:
        options = mrml.ParserOptions(include_loader=mrml.memory_loader(dict(memory)))
        mrml.to_html(source, parser_options=options)

    def ptk_before() -> None:
        old._compile.cache_clear()
        old.compile_mjml(source, path=WELCOME, includes=old.read_includes(source, path=WELCOME))

    def ptk_now() -> None:
        now._compile.cache_clear()
        now.compile_document(source, path=WELCOME, includes=includes)

    contenders = {"MRML alone": mrml_alone, "ptk before": ptk_before, "ptk now": ptk_now}
    rounds: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, function in contenders.items():  # interleaved: load hits all alike
            times = []
            for _ in range(25):
                start = time.process_time()
                function()
                times.append(time.process_time() - start)
            rounds[name].append(statistics.median(times))
    size = len(source.encode("utf-8"))
    print(f"welcome email: {size} bytes of MJML, {runs} rounds x 25 compiles, CPU time")
    base = statistics.median(rounds["ptk before"])
    for name, values in rounds.items():
        median = statistics.median(values)
        print(f"  {name:11s} median {median * 1000:6.3f} ms  (rounds {min(values) * 1000:.3f}-"
              f"{max(values) * 1000:.3f} ms)  {median / base:.2f}x ptk before")


def conformance(only: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "mjml_reference"))
    import test_reference as suite  # the suite's helpers, reused
    from playwright.sync_api import sync_playwright

    from toolkit.mjml import compile_mjml, normalise_newlines, read_includes

    reference = suite.Reference()
    out = Path(tempfile.mkdtemp())
    print("| case | MRML alone 600 px | 375 px | ptk 600 px | 375 px |")
    print("|---|---:|---:|---:|---:|")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(suite.CHROMIUM), headless=True,
                                        args=suite.LAUNCH_ARGS)
            for case in suite.CASES:
                if only and case.stem not in only:
                    continue
                source = case.read_bytes().decode("utf-8")
                includes = read_includes(normalise_newlines(source), path=case)
                memory = {inc.literal: inc.text for inc in includes}
                try:
                    options = mrml.ParserOptions(include_loader=mrml.memory_loader(memory))
                    alone = mrml.to_html(source, parser_options=options).content
                except Exception as exc:  # noqa: BLE001 - reported in the table
                    alone = None
                    error = str(exc).split(" at ")[0]
                ours = compile_mjml(source, path=case, includes=includes)
                theirs = reference.ask(op="compile", source=source, path=str(case))["html"]
                cells = []
                for html in (alone, ours):
                    for width in suite.WIDTHS:
                        if html is None:
                            cells.append(f"fails ({error})")
                            continue
                        try:
                            rendered = suite._render(html)
                        except Exception:  # noqa: BLE001 - a mangled Handlebars token
                            cells.append("Handlebars broken")
                            continue
                        a, b = out / "a.png", out / "b.png"
                        suite._shoot(browser, rendered, width, a)
                        suite._shoot(browser, suite._render(theirs), width, b)
                        diff = reference.ask(op="diff", a=str(a), b=str(b))
                        cells.append(f"{diff['different'] / (diff['width'] * diff['height']):.3%}")
                print(f"| `{case.stem}` | " + " | ".join(cells) + " |", flush=True)
            browser.close()
    finally:
        reference.close()


def bench_tags(runs: int) -> None:
    from toolkit import mjml, mjml_input

    welcome = WELCOME.read_text(encoding="utf-8")
    inputs = {
        "welcome email (11 KB)": (welcome, 100),
        '5,000 <a title="<!--"> in an mj-raw (110 KB)': (
            "<mjml><mj-body><mj-raw>" + '<a title="<!--">x</a>' * 5000
            + "</mj-raw></mj-body></mjml>", 1),
        "5,000 '<mj-a ' and an unclosed quote (30 KB)": ("<mj-a " * 5000 + '"', 1),
    }
    tag = mjml_input.TAG
    scans = [(tag, name, text, repeat) for name, (text, repeat) in inputs.items()] + [
        (mjml._ANY_TAG, "any tag (check_depth): welcome email (11 KB)", welcome, 100),
        (mjml._ANY_TAG, """any tag: 5,000 '<x a="' (30 KB)""", '<x a="' * 5000, 1),
        (mjml._ANY_TAG, "any tag: 1,000 '<mj-attributes' (14 KB)", "<mj-attributes" * 1000, 1)]
    for tag, name, text, repeat in scans:
        times: dict[str, list[float]] = {"regex": [], "scanner": []}
        for _ in range(runs):
            for label, scan in (("regex", tag.regex.finditer), ("scanner", tag.finditer)):
                started = time.process_time()
                for _ in range(repeat):
                    matches = list(scan(text))
                times[label].append((time.process_time() - started) / repeat)
        assert [m.span() for m in matches] == [m.span() for m in tag.regex.finditer(text)]
        print(name)
        _print_medians(times)
    tag = mjml_input.TAG
    patterns = {"regex": (tag.regex, mjml_input._SPLICE_TAG.regex),
                "scanner": (tag, mjml_input._SPLICE_TAG)}
    times = {"regex": [], "scanner": []}
    try:
        for _ in range(runs):
            for label, (tags, splice) in patterns.items():
                mjml_input.TAG = mjml._TAG = tags
                mjml_input._SPLICE_TAG = splice
                each = []
                for _ in range(25):
                    mjml._compile.cache_clear()
                    started = time.process_time()
                    mjml.compile_mjml(welcome, path=WELCOME)
                    each.append(time.process_time() - started)
                times[label].append(statistics.median(each))
    finally:
        mjml_input.TAG, mjml_input._SPLICE_TAG = patterns["scanner"]
        mjml._TAG = tag
    print("welcome email, uncached compile")
    _print_medians(times)


def _print_medians(times: dict[str, list[float]]) -> None:
    base = statistics.median(times["regex"])
    for label, values in times.items():
        median = statistics.median(values)
        print(f"  {label:8} median {median * 1000:10.3f} ms  (rounds {min(values) * 1000:.3f}-"
              f"{max(values) * 1000:.3f} ms)  {median / base:.3g}x the regex")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", action="store_true", help="time the compile (default)")
    parser.add_argument("--conformance", action="store_true",
                        help="MRML alone and ptk against npm mjml, in Chromium")
    parser.add_argument("--tags", action="store_true",
                        help="the tag scan: the regex against the linear scanner")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--case", action="append", default=[],
                        help="only this corpus case (repeatable) for --conformance")
    parser.add_argument("--before", default="63a1a4a",
                        help="the commit whose toolkit/mjml.py is 'ptk before'")
    args = parser.parse_args()
    if args.tags:
        bench_tags(args.runs)
    if args.compile or not (args.conformance or args.tags):
        bench_compile(args.runs, args.before)
    if args.conformance:
        conformance(args.case)


if __name__ == "__main__":
    main()
