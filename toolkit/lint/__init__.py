"""ptk lint: rule codes, raw-template and rendered-output checks, machine formats.

Public entry points (imported lazily so that ``import toolkit.lint`` stays cheap)::

    lint(config, paths=None, *, select=(), ignore=(), jobs=None) -> LintResult
    lint_repository_template(repo, config, name) -> tuple[Finding, ...]

See ``runner.py`` for the pipeline, ``rules/`` for the rules, ``directives.py`` for inline
``{{!-- ptk-disable ... --}}`` comments, ``selection.py`` for the ``[lint]`` table and
``formats.py`` for the output formats.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LintResult", "lint", "lint_repository_template"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from toolkit.lint import runner

        return getattr(runner, name)
    raise AttributeError(name)
