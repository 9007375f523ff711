"""Benchmark: what the Java flavour and the engine lint rules (J001-J003) cost.

Side by side in one run, CPU time (``time.process_time`` for the renders, the children's
user + sys for the ``ptk`` processes), so that other load on the machine counts less:

- re-rendering the bench/render.py template (20 KB email, 50 variables, a 15-item
  ``#each``) with the default flavour and with ``RenderEnv(flavour="java")``, interleaved;
- ``ptk lint -j 1`` on the bench/lint.py corpus (500 template channels x 3 fixtures) with
  every rule and with ``--ignore J`` (J002/J003 render each channel and fixture once more
  in the Java flavour), interleaved, one cold process each.

Usage: python bench/engines.py [--rounds 25] [--runs 5]   (needs ``ptk`` on PATH)
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from toolkit.handlebars import RenderEnv, parse, render  # noqa: E402


def cpu_per_call(fn, number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number * 1000


def spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4)
    return f"median {statistics.median(values):.3f} (quartiles {q[0]:.3f}-{q[2]:.3f})"


def renders(rounds: int) -> None:
    import render as bench_render

    program = parse(bench_render.make_template())
    data = bench_render.make_data()
    java = RenderEnv(flavour="java")
    js_times, java_times, ratios = [], [], []
    for _ in range(rounds):
        a = cpu_per_call(lambda: render(program, data), 100)
        b = cpu_per_call(lambda: render(program, data, env=java), 100)
        js_times.append(a)
        java_times.append(b)
        ratios.append(b / a)
    print(f"re-render, default flavour (ms CPU)   {spread(js_times)}")
    print(f"re-render, Java flavour (ms CPU)      {spread(java_times)}")
    print(f"Java / default                        {spread(ratios)}")


def child_cpu(argv: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def lint(runs: int) -> None:
    import lint as bench_lint

    ptk = shutil.which("ptk")
    if ptk is None:
        print("ptk is not on PATH (pip install -e .): lint figures skipped")
        return
    root = Path(tempfile.mkdtemp(prefix="ptk-bench-engines-"))
    try:
        bench_lint.write_corpus(root, 125)
        every, without, ratios = [], [], []
        for _ in range(runs):
            a = child_cpu([ptk, "lint", "-j", "1", "--ignore", "J"], root)
            b = child_cpu([ptk, "lint", "-j", "1"], root)
            without.append(a)
            every.append(b)
            ratios.append(b / a)
        print(f"ptk lint -j 1 --ignore J (s CPU)      {spread(without)}")
        print(f"ptk lint -j 1 (s CPU)                 {spread(every)}")
        print(f"with J / without                      {spread(ratios)}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=25, help="render rounds (100 calls each)")
    parser.add_argument("--runs", type=int, default=5, help="cold ptk lint runs of each kind")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs")
    renders(max(args.rounds, 4))
    lint(max(args.runs, 4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
