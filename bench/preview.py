"""Benchmark: from a file save to the changed content visible in the browser (ptk preview).

Opens the bundled MJML email (templates/welcome/email.mjml, on a private copy of the bundled
repository) in headless Chromium, then saves the MJML file N times, each time with a new
marker text, the way an editor does (write a temporary file, rename it over the original),
``--pause`` seconds after the previous change was on screen (0.5 s by default: the page
lints the template 250 ms after each change, which takes tens of milliseconds of the
server's CPU, and a person does not save again before that is done; 0.15 s shows what a
save in the middle of that lint costs).
For each save it measures:

- save -> rebuilt: until the server finished the rebuild (watcher event, debounce, reload of
  the repository with the MJML compile, re-render of the open email) and bumped the epoch;
- save -> visible: until the browser painted the new email. When the email frame loads a new
  document (ptk before issue 17 did for every change), that is the new document's First
  Contentful Paint. When the page changes the frame's document in place (since issue 17), it
  is the Element Timing render time of a probe the bench adds to the page in the same task
  as the change: the page and its same-origin frame are painted in one compositor frame.
  Both are the browser's own paint timestamps, so polling from here adds nothing to them.

and where the time between the two goes, step by step (``--breakdown``; all wall clock, from
the save): the watcher's first event, the rebuild's start (after the debounce) and end, the
long poll answered (server side), the event received by the page (its resource timing), then
either the frame's document changed in place (when the page set its data-shown attribute) and
the page's next animation frame (when its callback ran, i.e. after the rest of the update), or
the email frame's request, and the new email document's start (navigation start), parsed (DOM
interactive) and loaded (load event end); and painted (see above).

It runs the whole series once per debounce quiet period given (default: ptk's 10 ms and
mkdocs' 100 ms side by side), and prints median / p95 / max per series.

Then it measures switching on an open page (``--switches`` times each): choosing another
fixture (SMS channel) and another channel tab (SMS, push, email), from the input event to two
animation frames after the page updated (measured inside the page, so Playwright's own
round trips are not counted). One round of every switch runs first, unmeasured, so the
figures are for renders the server has cached (a first visit renders once, see above).

``--compare REF`` measures another version of ptk side by side with this one: REF (a git
commit or branch of this repository) is exported to a temporary folder, and the two trees run
in alternation, ``--rounds`` times each (each run is a process of its own, with its own
browser), so that both see the same load of a shared machine. It prints every run and the
figures pooled per tree.

    python bench/preview.py [--saves 25] [--quiet 0.01,0.1] [--pause 0.5] [--switches 30]
                            [--breakdown] [--compare REF [--rounds 3]] [--chromium PATH]
                            [--browser-arg=...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               # offline machine: make every name but the preview's fail at once, as an
               # unreachable host would otherwise hold the frame's load event for seconds
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
MARKER_SECTION = ('<mj-section><mj-column><mj-text css-class="bench">{marker}</mj-text>'
                  "</mj-column></mj-section></mj-body>")
GOAL_MEDIAN_MS, GOAL_P95_MS = 50.0, 100.0  # issue 17

# Installed in the page before each save: window.__loadedAt becomes the wall-clock time (ms)
# at which the email frame has new content, window.__frameAt when the page's next animation
# frame began. Before issue 17 the page's #email-frame navigated to a new address (its load
# event); since, the page changes the frame's document in place and then, in the same task,
# names the email in the frame's data-shown attribute. Then this also adds a probe (a dot in
# the page's corner) in that same task: the page and its same-origin frame are drawn in one
# compositor frame, so the probe's Element Timing render time (window.__paintedAt) is when the
# changed email was painted. (A frame that runs no script reports no paint timing itself.)
ARM = """(probe) => {
  window.__loadedAt = null;
  window.__frameAt = null;
  window.__paintedAt = null;
  const frame = document.getElementById('email-frame');
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntries().find((e) => e.identifier === probe);
    if (entry) { observer.disconnect(); window.__paintedAt = performance.timeOrigin + entry.renderTime; }
  }).observe({ type: 'element' });
  const done = () => {
    if (window.__loadedAt !== null) return;
    window.__loadedAt = performance.timeOrigin + performance.now();
    const dot = document.createElement('div');
    dot.textContent = '.';
    dot.setAttribute('elementtiming', probe);
    Object.assign(dot.style, { position: 'fixed', left: '0', bottom: '0', fontSize: '8px' });
    document.body.append(dot);
    requestAnimationFrame(() => { window.__frameAt = performance.timeOrigin + performance.now(); });
  };
  frame.addEventListener('load', done, { once: true });
  new MutationObserver((_, observer) => { observer.disconnect(); done(); })
    .observe(frame, { attributes: true, attributeFilter: ['data-shown'] });
}"""
# Evaluated in each frame: the marker text it shows, if any.
MARKER = "() => { const node = document.querySelector('.bench'); return node ? node.innerText : null; }"
# Evaluated inside the email document that holds the new marker: its timeline as wall-clock ms
# (painted: the First Contentful Paint, null until it has painted).
DOCUMENT_TIMES = """() => {
  const origin = performance.timeOrigin;
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
  return {started: origin, parsed: nav ? origin + nav.domInteractive : null,
          loaded: nav && nav.loadEventEnd ? origin + nav.loadEventEnd : null,
          painted: paint ? origin + paint.startTime : null};
}"""
# Evaluated in the page: when its long poll answer arrived, and the email frame's own request
# (if the frame navigated), as wall-clock ms.
PAGE_TIMES = """() => {
  const origin = performance.timeOrigin;
  const entries = performance.getEntriesByType('resource');
  const last = (part) => entries.filter(e => e.name.includes(part)).pop();
  const event = last('/api/events'), frame = entries.filter(e => e.name.includes('/api/email') && e.initiatorType === 'iframe').pop();
  return {event_received: event ? origin + event.responseEnd : null,
          frame_requested: frame ? origin + frame.startTime : null,
          frame_received: frame ? origin + frame.responseEnd : null};
}"""
# The steps of a save, in order, with their labels (ms after the save).
STEPS = [
    ("watcher_event", "watcher event"), ("rebuild_started", "rebuild started"),
    ("rebuilt", "rebuilt (epoch bumped)"), ("answered", "long poll answered"),
    ("event_received", "event in the page"), ("updated", "email changed in place"),
    ("next_frame", "page's next frame (rAF)"),
    ("frame_requested", "frame request sent"),
    ("frame_received", "frame response in"), ("started", "email document started"),
    ("parsed", "email document parsed"), ("loaded", "email document loaded"),
    ("painted", "email painted (visible)"),
]


# Switches the fixture or the channel the way the user does (change event / click) and resolves
# with the milliseconds until two animation frames after the page's update counter moved.
SWITCH = """async ([kind, value]) => {
  const before = Number(document.body.dataset.updates || 0);
  const done = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (Number(document.body.dataset.updates) > before) {
        observer.disconnect();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
      }
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-updates"] });
  });
  const start = performance.now();
  if (kind === "fixture") {
    const select = document.getElementById("fixture-select");
    select.value = value;
    select.dispatchEvent(new Event("change"));
  } else {
    document.querySelector(`.tab[data-channel="${value}"]`).click();
  }
  return (await done) - start;
}"""
SWITCH_FIXTURES = ["minimal", "non-latin", "full-profile", "sms-only"]
SWITCH_CHANNELS = ["push", "email", "sms"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def copy_repository(target: Path, tree: Path) -> Path:
    """A private copy of the bundled repository of ``tree``, the ptk under test (an older
    tree may not accept the newer sample's configuration, e.g. ``[env.NAME.send]``)."""
    shutil.copytree(tree / "templates", target / "templates")
    shutil.copytree(tree / "fixtures", target / "fixtures")
    shutil.copy2(tree / "ptk.toml", target / "ptk.toml")
    return target


def atomic_save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.bench-tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def start_preview(repo: Path, quiet: float, tree: Path):
    """A running preview of ``repo``, serving the browser UI of ``tree``."""
    from toolkit.serve.preview import Preview

    preview = Preview(start=repo, port=0, quiet=quiet)
    preview.server.static_root = tree / "preview"  # not the installed UI, when comparing
    return preview.start()


class ServerClock:
    """Wall-clock times (ms) of the server's steps after a save: the watcher's first event,
    the rebuild's start and end (the epoch bump) and the long poll's answer."""

    def __init__(self, preview) -> None:
        self.times: dict[str, float] = {}
        self._wrap(preview.watcher, "notify", start="watcher_event")
        self._wrap(preview.watcher, "on_change", start="rebuild_started")
        self._wrap(preview.reload, "bump", end="rebuilt")
        self._wrap(preview.server, "events", end="answered")

    def _wrap(self, owner, name: str, start: str | None = None, end: str | None = None) -> None:
        real = getattr(owner, name)

        def timed(*args, **kwargs):
            if start:
                self.times.setdefault(start, time.time() * 1000.0)
            result = real(*args, **kwargs)
            if end:
                self.times.setdefault(end, time.time() * 1000.0)
            return result

        setattr(owner, name, timed)

    def clear(self) -> None:
        self.times.clear()


def email_document(page, marker: str):
    """The frame whose document shows ``marker`` (the page's own frame before issue 17, the
    host's child since)."""
    for frame in page.frames:
        try:
            text = frame.evaluate(MARKER)
        except Exception:  # noqa: BLE001 - a frame that went away meanwhile
            continue
        if text is not None and marker in text:
            return frame
    return None


def run_series(browser, quiet: float, saves: int, tree: Path,
               pause: float) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="ptk-bench-") as tmp:
        repo = copy_repository(Path(tmp) / "repo", tree)
        mjml = repo / "templates" / "welcome" / "email.mjml"
        source = mjml.read_text(encoding="utf-8")
        assert "</mj-body>" in source
        preview = start_preview(repo, quiet, tree)
        clock = ServerClock(preview)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        steps: dict[str, list[float]] = {key: [] for key, _ in STEPS}
        try:
            atomic_save(mjml, source.replace("</mj-body>", MARKER_SECTION.format(marker="start"), 1))
            page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
            page.wait_for_timeout(300)
            for _ in range(500):
                if email_document(page, "start"):
                    break
                page.wait_for_timeout(20)
            for i in range(saves):
                marker = f"bench marker {i} {time.time_ns()}"
                page.evaluate(ARM, f"bench-probe-{i}")
                page.evaluate("performance.clearResourceTimings()")
                clock.clear()
                saved_at = time.time() * 1000.0
                atomic_save(mjml, source.replace("</mj-body>", MARKER_SECTION.format(marker=marker), 1))
                page.wait_for_function("() => window.__loadedAt !== null", timeout=10000,
                                       polling="raf")
                frame = email_document(page, marker)
                if frame is None:
                    raise RuntimeError(f"save {i}: no frame shows the new marker")
                times = frame.evaluate(DOCUMENT_TIMES)
                if times["started"] < saved_at:  # the same document, changed in place
                    times = {"updated": page.evaluate("window.__loadedAt"),
                             "next_frame": page.evaluate("window.__frameAt"),
                             "painted": page.evaluate("window.__paintedAt")}
                for _ in range(1000):  # the paint time is the browser's; polling adds nothing to it
                    if times["painted"] is not None:
                        break
                    page.wait_for_timeout(5)
                    if "updated" in times:
                        times["painted"] = page.evaluate("window.__paintedAt")
                    else:
                        times = frame.evaluate(DOCUMENT_TIMES)
                if times["painted"] is None:
                    raise RuntimeError(f"save {i}: the email never painted")
                times.update(page.evaluate(PAGE_TIMES), **clock.times)
                for key, _ in STEPS:
                    if times.get(key) is not None:
                        steps[key].append(times[key] - saved_at)
                page.wait_for_timeout(pause * 1000)  # the author reads, types, saves again
        finally:
            context.close()
            preview.stop()
        return steps


def run_switches(browser, switches: int, tree: Path) -> dict[str, list[float]]:
    from toolkit.serve.preview import DEFAULT_QUIET

    with tempfile.TemporaryDirectory(prefix="ptk-bench-") as tmp:
        repo = copy_repository(Path(tmp) / "repo", tree)
        preview = start_preview(repo, DEFAULT_QUIET, tree)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            page.goto(preview.url + "#/t/welcome?channel=sms&fixture=full-profile")
            page.locator(".bubble").wait_for(timeout=10000)
            times: dict[str, list[float]] = {"fixture": [], "channel": []}
            for round_ in range(switches + 1):
                for fixture in SWITCH_FIXTURES:  # on the SMS channel
                    elapsed = page.evaluate(SWITCH, ["fixture", fixture])
                    if round_:
                        times["fixture"].append(elapsed)
                for channel in SWITCH_CHANNELS:  # ends on SMS again
                    elapsed = page.evaluate(SWITCH, ["channel", channel])
                    if round_:
                        times["channel"].append(elapsed)
                    page.wait_for_timeout(20)  # the lint request after a switch
            return times
        finally:
            context.close()
            preview.stop()


def machine() -> str:
    lscpu = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        pass
    model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                  if line.startswith("Model name")), platform.processor() or "unknown CPU")
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def measure(args: argparse.Namespace, tree: Path) -> dict[str, Any]:
    """Every series and the switches, with the tree's ptk: {"series": {quiet: steps},
    "switches": {kind: times}}."""
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {"series": {}, "switches": {}, "load_before": load_average()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True,
                                    args=LAUNCH_ARGS + args.browser_arg)
        try:
            for quiet in (float(q) for q in args.quiet.split(",")):
                result["series"][str(quiet)] = run_series(browser, quiet, args.saves, tree,
                                                          args.pause)
            if args.switches:
                result["switches"] = run_switches(browser, args.switches, tree)
        finally:
            browser.close()
    result["load_after"] = load_average()
    return result


def line(label: str, values: list[float], width: int = 26) -> str:
    if not values:
        return f"{label:<{width}} {'-':>8} {'-':>8} {'-':>8}"
    return (f"{label:<{width}} {statistics.median(values):>8.1f} "
            f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}")


def report(result: dict[str, Any], breakdown: bool) -> None:
    for quiet, steps in result["series"].items():
        print(f"\ndebounce {float(quiet) * 1000:.0f} ms, {len(steps['painted'])} saves"
              f"{'' if breakdown else ' (--breakdown for every step)'}")
        print(f"{'step (ms after the save)':<26} {'median':>8} {'p95':>8} {'max':>8}")
        for key, label in STEPS:
            if breakdown or key in {"rebuilt", "painted"}:
                if steps[key]:
                    print(line(label, steps[key]))
    if result["switches"]:
        print("\nswitching on an open page (ms)")
        print(f"{'switch':<26} {'median':>8} {'p95':>8} {'max':>8}")
        print(line("fixture (SMS) -> shown", result["switches"]["fixture"]))
        print(line("channel tab -> shown", result["switches"]["channel"]))


def judge(series: dict[str, dict[str, list[float]]]) -> bool:
    from toolkit.serve.preview import DEFAULT_QUIET

    judged = str(DEFAULT_QUIET) if str(DEFAULT_QUIET) in series else next(iter(series))
    visible = series[judged]["painted"]
    ok = statistics.median(visible) <= GOAL_MEDIAN_MS and percentile(visible, 0.95) <= GOAL_P95_MS
    print(f"\ngoal (save -> visible median <= {GOAL_MEDIAN_MS:.0f} ms, p95 <= {GOAL_P95_MS:.0f} ms) "
          f"with a {float(judged) * 1000:.0f} ms debounce: {'met' if ok else 'NOT met'}")
    return ok


def export(ref: str, target: Path) -> Path:
    """The files of commit ``ref`` of this repository, in ``target``."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def compare(args: argparse.Namespace) -> int:
    """Run this tree and ``args.compare`` in alternation, each run in its own process."""
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory(prefix="ptk-bench-ref-") as tmp:
        trees = {"before": export(args.compare, Path(tmp) / "before"), "after": ROOT}
        for round_ in range(args.rounds):
            order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
            for name in order:
                command = [sys.executable, str(Path(__file__).resolve()), "--tree", str(trees[name]),
                           "--json", "--saves", str(args.saves), "--quiet", args.quiet,
                           "--pause", str(args.pause),
                           "--switches", str(args.switches), "--chromium", args.chromium,
                           *(f"--browser-arg={a}" for a in args.browser_arg)]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode not in (0, 1):
                    sys.stderr.write(done.stderr)
                    return 4
                result = json.loads(done.stdout.splitlines()[-1])
                runs[name].append(result)
                steps = result["series"][str(float(args.quiet.split(",")[0]))]
                switches = result["switches"] or {"fixture": [0], "channel": [0]}
                print(f"round {round_ + 1} {name:<6} (load {result['load_before']}): save -> visible "
                      f"median {statistics.median(steps['painted']):.1f} p95 "
                      f"{percentile(steps['painted'], 0.95):.1f}; switches fixture "
                      f"{statistics.median(switches['fixture']):.1f} channel "
                      f"{statistics.median(switches['channel']):.1f}", flush=True)
    for name, ref in (("before", args.compare), ("after", "this tree")):
        pooled: dict[str, Any] = {"series": {}, "switches": {}}
        for result in runs[name]:
            for quiet, steps in result["series"].items():
                into = pooled["series"].setdefault(quiet, {key: [] for key, _ in STEPS})
                for key, values in steps.items():
                    into[key].extend(values)
            for kind, values in result["switches"].items():
                pooled["switches"].setdefault(kind, []).extend(values)
        print(f"\n=== {name}: {ref}, {len(runs[name])} runs pooled")
        report(pooled, args.breakdown)
        if name == "after":
            return 0 if judge(pooled["series"]) else 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=25)
    parser.add_argument("--quiet", default="0.01,0.1",
                        help="debounce quiet periods to compare, in seconds (comma-separated)")
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds between a change on screen and the next save")
    parser.add_argument("--switches", type=int, default=30,
                        help="rounds of fixture and channel switches to time (0 skips them)")
    parser.add_argument("--breakdown", action="store_true",
                        help="print every step between the save and the paint")
    parser.add_argument("--compare", metavar="REF",
                        help="also measure git commit REF of this repository, in alternation")
    parser.add_argument("--rounds", type=int, default=3,
                        help="with --compare: runs of each tree")
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--chromium", default="/usr/lib/chromium/chromium")
    parser.add_argument("--browser-arg", action="append", default=[],
                        help="extra Chromium command-line switch (repeatable)")
    args = parser.parse_args()
    if args.compare:
        print(f"machine: {machine()}, load average {load_average()}")
        print(f"{args.saves} saves of templates/welcome/email.mjml per series; "
              f"{args.rounds} runs of each tree, alternating")
        return compare(args)
    sys.path.insert(0, str(args.tree.resolve()))  # the ptk to measure (this tree by default)
    result = measure(args, args.tree.resolve())
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"machine: {machine()}, load average {result['load_before']}")
    print(f"{args.saves} saves of templates/welcome/email.mjml per series")
    report(result, args.breakdown)
    series = result["series"]
    if len(series) > 1:
        base, *others = series
        for other in others:
            ratio = statistics.median(series[other]["painted"]) / statistics.median(series[base]["painted"])
            print(f"\nmedian save -> visible with {float(other) * 1000:.0f} ms debounce is "
                  f"{ratio:.2f}x that with {float(base) * 1000:.0f} ms")
    return 0 if judge(series) else 1


if __name__ == "__main__":
    sys.exit(main())
