"""Benchmark of ``ptk lint`` as users run it: a cold ``ptk`` process per run.

Generates a template repository in a temporary folder (by default 125 templates x 4
channels = 500 template channels: email HTML + text, SMS, push, voice; 3 shared fixtures),
then times, side by side in one run:

- ``ptk lint`` on everything (default jobs, i.e. a process pool on multi-core machines);
- ``ptk lint -j 1`` and ``-j 2`` on everything (in-process / two workers), to show what
  the pool brings;
- ``ptk lint templates/t0007/sms.txt`` (one changed template, as pre-commit runs it);
- ``ptk --version`` (interpreter + CLI start-up floor).

Usage: python bench/lint.py [--templates 125] [--runs 5]
Goals (issue #5): everything <= 2 s, one template <= 0.3 s, on 2 cores.
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


def timed(argv: list[str], cwd: Path, runs: int) -> tuple[float, float, int, str]:
    """Median wall time and median CPU time (user + sys of the process and its workers)."""
    import resource

    walls, cpus = [], []
    code, out = 0, [""]
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        code, out = proc.returncode, proc.stdout.strip().splitlines()[-1:] or [proc.stderr]
    return statistics.median(walls), statistics.median(cpus), code, out[0] if out else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=125)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ptk = shutil.which("ptk") or sys.exit("ptk is not on PATH (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="ptk-bench-lint-") as tmp:
        root = Path(tmp)
        write_corpus(root, args.templates)
        channels = args.templates * 4
        print(f"corpus: {args.templates} templates, {channels} template channels, "
              f"{len(FIXTURES)} fixtures; {os.cpu_count()} CPUs; load average "
              f"{os.getloadavg()[0]:.1f}; median of {args.runs} cold runs")
        rows = [
            ("ptk --version (start-up floor)", [ptk, "--version"]),
            ("ptk lint (all, default jobs)", [ptk, "lint"]),
            ("ptk lint -j 1 (all, in-process)", [ptk, "lint", "-j", "1"]),
            ("ptk lint -j 2 (all, 2 workers)", [ptk, "lint", "-j", "2"]),
            ("ptk lint templates/t0007/sms.txt", [ptk, "lint", "templates/t0007/sms.txt"]),
        ]
        results = {}
        for label, argv in rows:
            median, cpu, code, last = timed(argv, root, args.runs)
            results[label] = median
            print(f"{label:<40} wall {median:6.3f} s  cpu {cpu:6.3f} s  exit {code}  {last}")
        serial, pool = results[rows[2][0]], results[rows[3][0]]
        print(f"2 workers vs in-process (wall): {serial / pool:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
