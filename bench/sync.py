"""Benchmark of publishing (ptk plan / ptk sync) against the emulator over real HTTP.

The emulator runs in its own process (``ptk emulator``), so client and server do not share a
GIL. A template repository of ``--templates`` folders (half email with HTML + text, half
SMS) is generated in a temporary folder. In one run:

1. full sync of ``--new`` new templates: wall time and the write requests per template,
   counted by operation in the emulator's request log (goal: <= 2 writes per template plus
   the tag call);
2. the rest are published, then ``ptk plan`` of all templates, every one unchanged, as a
   subprocess (wall time, median of ``--repeat``; goal: <= 5 s), with an in-process
   breakdown (load + build, remote reads with 16 workers and with 1, planning);
3. ``ptk sync`` with nothing to do: wall time and write requests (goal: 0).

``--target connect`` runs the same on Amazon Connect message templates (the repository in the
Connect dialect, a knowledge base in the emulator's ``qconnect`` API, a Connect template per
channel); the goal for its unchanged plan is the same 5 s.

Usage: python bench/sync.py [--templates 1000] [--new 200] [--repeat 3] [--target connect]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.config import DEFAULT_WRITE_RATE, DEFAULT_WRITE_RATES, load_config  # noqa: E402
from toolkit.sync.apply import Applier, apply_plan  # noqa: E402
from toolkit.sync.limiter import RateLimiter  # noqa: E402
from toolkit.sync.plan import make_plan  # noqa: E402
from toolkit.sync.session import (  # noqa: E402
    desired_state,
    make_sync_plan,
    open_target,
    select_environment,
)
from toolkit.sync.state import list_remote, read_states  # noqa: E402

WRITES = {"POST", "PUT", "DELETE"}


def make_repo(root: Path, count: int, url: str, target: str = "pinpoint") -> None:
    connect = target == "connect"
    top = 'target = "connect"\n' if connect else ""
    kb = 'knowledge_base = "bench"\n' if connect else ""
    (root / "ptk.toml").write_text(
        f'{top}[env.bench]\nregion = "us-east-1"\nendpoint_url = "{url}"\nprefix = "bench-"\n'
        f'{kb}[sync]\nwrite_rate = 1000\n', encoding="utf-8")
    # the same content in each dialect
    first = "Attributes.Customer.FirstName" if connect else "User.UserAttributes.FirstName"
    line = "Attributes.Customer.Attributes.Line" if connect else "User.UserAttributes.Line"
    defaults = ({"defaultAttributes": {"customerProfileAttributes": {"firstName": "you"}}}
                if connect else
                {"DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": ["you"]}}}})
    html = "".join(f"    <p>Paragraph {{{{{line}{i}}}}} of the message.</p>\n" for i in range(40))
    for n in range(count):
        folder = root / "templates" / f"t{n:04}"
        folder.mkdir(parents=True)
        if n % 2 == 0:
            (folder / "email.json").write_text(json.dumps({
                "Subject": f"Order {n} for {{{{{first}}}}}", **defaults}))
            (folder / "email.html").write_text(f"<html>\n  <body>\n{html}  </body>\n</html>\n")
            (folder / "email.txt").write_text(f"Order {n}\n")
        else:
            (folder / "sms.json").write_text("{}")
            (folder / "sms.txt").write_text(f"Order {n} shipped, {{{{{first}}}}}")


def reset(url: str, target: str) -> None:
    """Empty the emulator (and, for Connect, make the knowledge base again)."""
    control(url, "reset", "POST")
    if target == "connect":
        import boto3

        boto3.client("qconnect", region_name="us-east-1", endpoint_url=url).create_knowledge_base(
            name="bench", knowledgeBaseType="MESSAGE_TEMPLATES")


def control(url: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(url + "/_emulator/" + path, method=method,
                                     data=json.dumps(body or {}).encode()
                                     if method == "POST" else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read() or b"{}")


def write_log(url: str) -> list[dict]:
    return [e for e in control(url, "log")["requests"] if e["method"] in WRITES]


def run_ptk(root: Path, *args: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=root,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 5):
        raise SystemExit(f"ptk {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return elapsed, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=int, default=1000)
    parser.add_argument("--new", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", choices=("pinpoint", "connect"), default="pinpoint")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    emulator = subprocess.Popen([sys.executable, "-m", "toolkit", "emulator", "--port", "0"],
                                stdout=subprocess.PIPE, text=True)
    try:
        url = emulator.stdout.readline().strip()  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            make_repo(root, args.templates, url, args.target)
            report(root, url, args)
    finally:
        emulator.terminate()
        emulator.wait()


def report(root: Path, url: str, args: argparse.Namespace) -> None:
    config = load_config(root)
    env = select_environment(config, "bench")
    rows: list[tuple[str, str]] = []

    # 1. full sync of new templates
    first = [f"t{n:04}" for n in range(args.new)]
    reset(url, args.target)
    target = open_target(env)
    started = time.perf_counter()
    run = make_sync_plan(config, env, target, first)
    result = apply_plan(run.plan, Applier(target, limiter=RateLimiter(config.write_rate)))
    elapsed = time.perf_counter() - started
    assert result.ok, [o.message for o in result.outcomes if o.status != "done"]
    ops = Counter(e["operation"] for e in write_log(url))
    ops.pop("CreateKnowledgeBase", None)  # the benchmark's own setup
    tags = ops.pop("TagResource", 0)
    content = sum(ops.values())
    rows.append((f"full sync of {args.new} new templates (write_rate 1000/s)",
                 f"{elapsed:.2f} s"))
    rows.append(("  writes per template (content + activation)", f"{content / args.new:.2f} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(ops.items()))})"))
    rows.append(("  tag calls per template", f"{tags / args.new:.2f}"))
    default_rate = DEFAULT_WRITE_RATES.get(env.target, DEFAULT_WRITE_RATE)
    rows.append((f"  same sync at the target's default {default_rate:g} writes/s",
                 f"~{args.new / default_rate:.0f} s"))

    # 2. publish the rest, then plan everything unchanged
    apply_plan(make_sync_plan(config, env, target, []).plan,
               Applier(target, limiter=RateLimiter(config.write_rate)))
    plan_times = [run_ptk(root, "plan", "--format", "json")[0] for _ in range(args.repeat)]
    rows.append((f"`ptk plan` of {args.templates} unchanged templates (subprocess, median of "
                 f"{args.repeat})", f"{statistics.median(plan_times):.2f} s "
                 f"(runs: {', '.join(f'{t:.2f}' for t in plan_times)})"))

    started = time.perf_counter()
    desired = desired_state(config, env, [])
    load = time.perf_counter() - started
    keys = {(d.name, d.channel) for d in desired}
    reads: dict[int, float] = {}
    states = {}
    for workers in (16, 1):
        started = time.perf_counter()
        listing = list_remote(target, env.prefix, env.suffix)
        states = read_states(target, keys & listing.keys(), workers=workers)
        reads[workers] = time.perf_counter() - started
    started = time.perf_counter()
    plan = make_plan(desired, states)
    planning = time.perf_counter() - started
    assert {c.kind for c in plan.changes} == {"NOOP"} and len(plan.changes) == args.templates
    rows.append(("  in process: load + build", f"{load:.2f} s"))
    rows.append(("  in process: remote reads, 16 workers", f"{reads[16]:.2f} s"))
    rows.append(("  in process: remote reads, 1 worker", f"{reads[1]:.2f} s "
                 f"(16 workers are {reads[1] / reads[16]:.1f}x faster)"))
    rows.append(("  in process: planning (pure)", f"{planning:.2f} s"))

    # 2b. the same reads when every answer takes 20 ms (closer to a real region)
    subset = sorted(keys)[: args.new]
    control(url, "config", "POST", {"latency_ms": 20})
    slow: dict[int, float] = {}
    for workers in (16, 1):
        started = time.perf_counter()
        read_states(target, subset, workers=workers)
        slow[workers] = time.perf_counter() - started
    control(url, "config", "POST", {"latency_ms": 0})
    rows.append((f"  remote reads of {len(subset)} templates at 20 ms latency, 16 workers / 1",
                 f"{slow[16]:.2f} s / {slow[1]:.2f} s ({slow[1] / slow[16]:.1f}x)"))

    # 3. no-op sync
    before = len(write_log(url))
    elapsed, _ = run_ptk(root, "sync")
    rows.append((f"`ptk sync` with nothing to do ({args.templates} templates)",
                 f"{elapsed:.2f} s, {len(write_log(url)) - before} write requests"))

    # 4. update of the first templates: the intent tag (ptk:pending), a new version, its
    #    activation, the marker tag
    for name in first:
        folder = root / "templates" / name
        body = folder / ("email.txt" if (folder / "email.txt").exists() else "sms.txt")
        body.write_text(body.read_text() + " (updated)")
    before = len(write_log(url))
    started = time.perf_counter()
    result = apply_plan(make_sync_plan(config, env, target, first).plan,
                        Applier(target, limiter=RateLimiter(config.write_rate)))
    elapsed = time.perf_counter() - started
    assert result.ok
    ops = Counter(e["operation"] for e in write_log(url)[before:])
    tags = ops.pop("TagResource", 0)
    rows.append((f"sync of {args.new} updated templates (write_rate 1000/s)", f"{elapsed:.2f} s"))
    rows.append(("  writes per template (content + activation)",
                 f"{sum(ops.values()) / args.new:.2f} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(ops.items()))})"))
    rows.append(("  tag calls per template", f"{tags / args.new:.2f}"))

    print("| measure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
