"""Benchmark of the foundation: loading, validating, building and MJML compiling.

Generates a repository of about 500 template channels (copies of the bundled sample's
templates without MJML) plus the bundled shared fixtures, then times side by side in one run:

- ``load_repository`` of every channel with ptk's validators (non-recursive ``$ref``s inlined)
  and with plain jsonschema validators of the same schemas (the choice this module made);
- ``build_all`` + ``canonical_json`` of every body;
- ``compile_mjml`` of the bundled welcome email (about 11 KB of MJML), uncached and cached;
- a cold ``ptk build`` process on the bundled sample (start-up included).

In-process figures are CPU time of the benchmark process (medians); the cold process is wall
clock. Usage: python bench/foundation.py [--channels 500] [--runs 7]
Goal (issue #2): loading a template channel costs well under 1 ms apart from MJML compiling.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jsonschema import Draft202012Validator

from toolkit import schemas
from toolkit.build import build_all, output_files
from toolkit.config import load_config
from toolkit.loader import load_repository
from toolkit.mjml import _compile, compile_mjml

ROOT = Path(__file__).resolve().parent.parent


def make_repository(target: Path, channels: int) -> int:
    source = ROOT / "templates"
    shutil.copytree(ROOT / "fixtures", target / "fixtures")
    names = sorted(p.name for p in source.iterdir()
                   if p.is_dir() and not p.name.startswith("_") and p.name != "welcome")
    made = copy = 0
    while made < channels:
        for name in names:
            shutil.copytree(source / name, target / "templates" / f"{name}-{copy}")
            made += len(list((source / name).glob("*.json")))
        copy += 1
    return made


def median_time(function, runs: int, clock=time.process_time) -> float:
    """Median over ``runs`` calls. In-process work is timed in CPU time of this process, so
    other load on a shared machine disturbs the figures less than wall-clock time would."""
    times = []
    for _ in range(runs):
        start = clock()
        function()
        times.append(clock() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made = make_repository(root, args.channels)
        config = load_config(root)
        repo = load_repository(config)
        assert not repo.findings, repo.findings[:3]

        plain_cache = {name: Draft202012Validator(schemas.load_schema(name))
                       for name in schemas.SCHEMA_NAMES}
        original = schemas.validator
        fast_times, plain_times = [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            fast_times.append(median_time(lambda: load_repository(config), 1))
            schemas.validator = plain_cache.__getitem__  # type: ignore[assignment]
            try:
                plain_times.append(median_time(lambda: load_repository(config), 1))
            finally:
                schemas.validator = original  # type: ignore[assignment]
        fast, plain = statistics.median(fast_times), statistics.median(plain_times)
        build = median_time(lambda: output_files(build_all(repo)), args.runs)

    welcome = ROOT / "templates" / "welcome" / "email.mjml"
    source = welcome.read_text(encoding="utf-8")

    def uncached() -> None:
        _compile.cache_clear()
        compile_mjml(source, path=welcome)

    mjml = median_time(uncached, args.runs * 5)
    cached = median_time(lambda: compile_mjml(source, path=welcome), args.runs * 5)
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "toolkit", "--config", str(ROOT / "ptk.toml"),
                   "build", "--out", out]
        cold = median_time(lambda: subprocess.run(command, check=True, capture_output=True),
                           args.runs, clock=time.perf_counter)

    print(f"template channels: {made}, runs: {args.runs} (medians)")
    print(f"load_repository, ptk validators:   {fast * 1000:7.1f} ms "
          f"({fast / made * 1000:.3f} ms per channel)")
    print(f"load_repository, plain jsonschema: {plain * 1000:7.1f} ms "
          f"({plain / made * 1000:.3f} ms per channel), {plain / fast:.2f}x slower")
    print(f"build_all + canonical_json:        {build * 1000:7.1f} ms")
    print(f"compile_mjml welcome (11 KB):      {mjml * 1000:7.2f} ms "
          f"(unchanged source, cached: {cached * 1000:.3f} ms)")
    print(f"cold `ptk build` of the sample:    {cold * 1000:7.1f} ms (wall clock)")


if __name__ == "__main__":
    main()
