"""Benchmark of toolkit.render: a whole channel rendered with a fixture, first render
(parse + render, empty parse cache) against re-render (parse cache warm), as the preview
does on every reload.

Run from the repository root: ``python bench/render_channel.py [--repeat N]``.
Prints the median per template channel and the ratio first/re-render.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from toolkit.config import load_config
from toolkit.handlebars.runtime import RenderEnv
from toolkit.loader import load_repository
from toolkit.render import parse_cached, render_channel

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    repo = load_repository(load_config(ROOT))
    env = RenderEnv(now=datetime(2026, 5, 14, tzinfo=timezone.utc))
    print(f"{'template channel':32} {'chars':>7} {'first ms':>9} {'again ms':>9} {'ratio':>6}")
    for template in repo.templates:
        fixture = {f.name: f for f in repo.fixtures_for(template)}.get("full-profile")
        for name, channel in template.channels.items():
            chars = sum(len(p.text) for p in channel.parts)
            first: list[float] = []
            again: list[float] = []
            for _ in range(args.repeat):
                parse_cached.cache_clear()
                start = time.perf_counter()
                render_channel(channel, fixture, env=env)
                first.append(time.perf_counter() - start)
                start = time.perf_counter()
                render_channel(channel, fixture, env=env)
                again.append(time.perf_counter() - start)
            f_ms, a_ms = statistics.median(first) * 1000, statistics.median(again) * 1000
            print(f"{template.name + ' ' + name:32} {chars:7d} {f_ms:9.3f} {a_ms:9.3f} "
                  f"{f_ms / a_ms:6.1f}")


if __name__ == "__main__":
    main()
