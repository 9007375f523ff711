"""Entry point of the ``ptk`` console script and of ``python -m toolkit``.

It imports the command line (and click) inside ``run`` so that a Ctrl-C that arrives while
ptk is still starting up ends like any other interruption: "Interrupted (^C)", exit 130."""

from __future__ import annotations

import sys


def run() -> int:
    try:
        from toolkit.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted (^C)\n")
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
