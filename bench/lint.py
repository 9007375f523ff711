"""Benchmark of ``ptk lint`` as users run it: a cold ``ptk`` process per run.

Generates a template repository in a temporary folder (by default 125 templates x 4
channels = 500 template channels: email HTML + text, SMS, push, voice; 3 shared fixtures),
then times, side by side in one run:

- ``ptk lint --no-cache`` on everything (default jobs, i.e. a process pool on multi-core
  machines), ``-j 1`` and ``-j 2`` (in-process / two workers), to show what the pool brings;
- ``ptk lint`` with an empty cache (cold: lints everything and writes the cache), unchanged
  (warm: everything from the cache) and after one template changed;
- ``ptk lint templates/t0007/sms.txt`` (one changed template, as pre-commit runs it);
- ``ptk --version`` (interpreter + CLI start-up floor).

Each figure is the median of ``--runs`` runs with the spread (min-max); wall time and CPU
time (user + sys of the process and its workers). The load average is printed before and
after. ``--baseline DIR`` runs every row also with the ptk source tree in DIR (e.g. a git
worktree of main), alternating with this tree, and prints the ratios: the way to compare
before and after on a noisy machine.

Usage: python bench/lint.py [--templates 125] [--runs 5] [--baseline DIR]
Goals: issue #5: 500 channels everything <= 2 s, one template <= 0.3 s; issue #15:
10,000 channels x 3 fixtures (--templates 2500) <= 5 s wall cold on 2 cores, an unchanged
re-run <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EMAIL_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{{{Attributes.Store.[0]}}}}</title></head>
<body>
<table role="presentation" width="100%">
  <tr><td><img src="https://cdn.example.com/logo-{n}.png" alt="Example"></td></tr>
  <tr><td>
    <h1>Hello {{{{User.UserAttributes.FirstName}}}},</h1>
    <p>Your order {{{{Attributes.OrderNumber}}}} ships from {{{{Attributes.Store.[0]}}}}.</p>
    {{{{#if User.UserAttributes.LoyaltyTier}}}}
    <p>As a {{{{upper User.UserAttributes.LoyaltyTier.[0]}}}} member you save {{{{Attributes.Discount}}}}%.</p>
    {{{{/if}}}}
    <ul>{{{{#each Attributes.Items}}}}<li>{{{{this}}}}</li>{{{{/each}}}}</ul>
    <p><a href="https://shop.example.com/orders/{{{{Attributes.OrderNumber}}}}">Track your order</a></p>
    <p>{{{{dateFormat Attributes.ShipDate.[0] inputFormat="yyyy-MM-dd" outputFormat="long"}}}}</p>
  </td></tr>
</table>
</body>
</html>
"""
DEFAULTS = {
    "User": {"UserAttributes": {"FirstName": "there", "LoyaltyTier": ""}},
    "Attributes": {"OrderNumber": "0000", "Store": ["our store"], "Discount": "5",
                   "Items": ["item"], "ShipDate": ["2024-01-01"]},
}
SHORT_DEFAULTS = {"User": {"UserAttributes": {"FirstName": "there"}},
                  "Attributes": {"OrderNumber": "0000", "Store": ["our store"]}}
FIXTURES = {
    "full": {"Address": "a@example.com", "ChannelType": "EMAIL",
             "User": {"UserId": "u1", "UserAttributes": {"FirstName": ["Ana"],
                                                         "LoyaltyTier": ["gold"]}},
             "Attributes": {"OrderNumber": ["A-1001"], "Store": ["Lyon"], "Discount": ["10"],
                            "Items": ["tent", "stove", "lamp"], "ShipDate": ["2024-05-01"]}},
    "minimal": {"Address": "b@example.com", "ChannelType": "SMS", "User": {"UserId": "u2"}},
    "non-latin": {"Address": "c@example.com", "ChannelType": "EMAIL",
                  "User": {"UserId": "u3", "UserAttributes": {"FirstName": ["Ζωή"]}},
                  "Attributes": {"Store": ["Αθήνα"], "Items": ["σκηνή"]}},
}


def write_corpus(root: Path, templates: int) -> None:
    (root / "ptk.toml").write_text('templates = "templates"\nfixtures = "fixtures"\n')
    (root / "fixtures").mkdir()
    for name, data in FIXTURES.items():
        (root / "fixtures" / f"{name}.json").write_text(json.dumps(data, indent=2))
    for n in range(templates):
        folder = root / "templates" / f"t{n:04d}"
        folder.mkdir(parents=True)
        defaults = json.dumps(DEFAULTS)
        (folder / "email.json").write_text(
            '{"Subject": "Order {{Attributes.OrderNumber}} for {{User.UserAttributes.FirstName}}",'
            f' "DefaultSubstitutions": {defaults}}}')
        (folder / "email.html").write_text(EMAIL_HTML.format(n=n))
        (folder / "email.txt").write_text(
            "Hello {{User.UserAttributes.FirstName}}, order {{Attributes.OrderNumber}} shipped.\n")
        short = json.dumps(SHORT_DEFAULTS)
        (folder / "sms.json").write_text(f'{{"DefaultSubstitutions": {short}}}')
        (folder / "sms.txt").write_text(
            "Hi {{User.UserAttributes.FirstName}}: order {{Attributes.OrderNumber}} shipped "
            "from {{Attributes.Store.[0]}}. Reply STOP to opt out.\n")
        (folder / "push.json").write_text(json.dumps({
            "Default": {"Title": "Order {{Attributes.OrderNumber}}",
                        "Body": "Hi {{User.UserAttributes.FirstName}}, it shipped."},
            "APNS": {"Title": "Shipped from {{Attributes.Store.[0]}}",
                     "Body": "Order {{Attributes.OrderNumber}} is on its way", "Sound": "default"},
            "DefaultSubstitutions": SHORT_DEFAULTS}))
        (folder / "voice.json").write_text(json.dumps({
            "LanguageCode": "en-US", "VoiceId": "Joanna", "DefaultSubstitutions": SHORT_DEFAULTS}))
        (folder / "voice.txt").write_text(
            "Hello {{User.UserAttributes.FirstName}}. Your order {{Attributes.OrderNumber}} "
            "has shipped from {{Attributes.Store.[0]}}.\n")


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
          before: Callable[[], None] | None = None) -> tuple[float, float, int, str]:
    """Wall time and CPU time (user + sys of the process and its workers) of one run."""
    import resource

    if before is not None:
        before()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
    last = (proc.stdout.strip().splitlines()[-1:] or [proc.stderr.strip()[:80]])[0]
    return wall, cpu, proc.returncode, last


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} s ({min(values):.3f}-{max(values):.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=125)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path,
                        help="a ptk source tree to compare with (run via PYTHONPATH)")
    args = parser.parse_args()
    python = sys.executable
    trees = [("this", Path(__file__).resolve().parents[1])]
    if args.baseline:  # first, so that the cache rows end with this tree's own cache
        trees.insert(0, ("baseline", args.baseline.resolve()))
    with tempfile.TemporaryDirectory(prefix="ptk-bench-lint-") as tmp:
        root = Path(tmp)
        write_corpus(root, args.templates)
        cache = root / ".ptk_cache"
        changed = root / "templates" / f"t{min(3, args.templates - 1):04d}" / "sms.txt"

        def empty_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def change_one() -> None:
            changed.write_text(changed.read_text() + " ")

        channels = args.templates * 4
        print(f"corpus: {args.templates} templates, {channels} template channels, "
              f"{len(FIXTURES)} fixtures; {os.cpu_count()} CPUs; load average "
              f"{os.getloadavg()[0]:.1f}; median (min-max) of {args.runs} cold runs")
        rows: list[tuple[str, list[str], Callable[[], None] | None]] = [
            ("ptk --version (start-up floor)", ["--version"], None),
            ("lint --no-cache (all, default jobs)", ["lint", "--no-cache"], None),
            ("lint --no-cache -j 1 (in-process)", ["lint", "--no-cache", "-j", "1"], None),
            ("lint --no-cache -j 2 (2 workers)", ["lint", "--no-cache", "-j", "2"], None),
            ("lint, empty cache (cold)", ["lint"], empty_cache),
            ("lint, unchanged (warm cache)", ["lint"], None),
            ("lint, one template changed", ["lint"], change_one),
            ("lint templates/t0007/sms.txt", ["lint", "--no-cache", "templates/t0007/sms.txt"],
             None),
        ]
        results: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
        outcome: dict[str, tuple[int, str]] = {}
        caches = {tree: _supports_cache(python, source) for tree, source in trees}
        for label, argv, before in rows:
            for _ in range(args.runs):
                for tree, source in trees:
                    env = dict(os.environ, PYTHONPATH=str(source))
                    run = argv if caches[tree] else [a for a in argv if a != "--no-cache"]
                    wall, cpu, code, last = timed([python, "-m", "toolkit", *run], root, env,
                                                  before)
                    walls, cpus = results.setdefault((label, tree), ([], []))
                    walls.append(wall)
                    cpus.append(cpu)
                    outcome[tree] = code, last
            for tree, _ in trees:
                walls, cpus = results[(label, tree)]
                code, last = outcome[tree]
                print(f"{label:<38} {tree:<8} wall {summary(walls)}  cpu {summary(cpus)}  "
                      f"exit {code}  {last[:40]}")
            if args.baseline:
                mine = statistics.median(results[(label, "this")][0])
                theirs = statistics.median(results[(label, "baseline")][0])
                print(f"{'':<38} this/baseline wall {mine / theirs:.2f}x")
        serial = statistics.median(results[(rows[2][0], "this")][0])
        pool = statistics.median(results[(rows[3][0], "this")][0])
        print(f"2 workers vs in-process (wall): {serial / pool:.2f}x; load average now "
              f"{os.getloadavg()[0]:.1f}")
    return 0


def _supports_cache(python: str, source: Path) -> bool:
    """Whether the ptk in ``source`` has the lint cache (``--no-cache``)."""
    done = subprocess.run([python, "-m", "toolkit", "lint", "--help"], capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(source)),
                          cwd=source)  # python -m puts the working folder first on sys.path
    return "--no-cache" in done.stdout


if __name__ == "__main__":
    raise SystemExit(main())
