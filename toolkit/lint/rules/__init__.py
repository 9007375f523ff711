"""The registry of lint rules: code -> rule class, one module per family.

S structure (from the loader), H Handlebars syntax and helpers, V variables,
L limits (quotas, SMS, push, in-app, voice, tags), E email quality, J engine portability
(handlebars.js vs handlebars.java), T publish targets (what a target stores, published
names, what a channel means in each target it is published to).
Adding a rule: write the class in its family module, add it to that module's ``RULES``
tuple, add ``tests/data/lint/<CODE>/{fail,pass}/`` cases, run the tests (docs/lint.md's table
is checked against this registry).
"""

from __future__ import annotations

from toolkit.lint.rule import Rule
from toolkit.lint.rules import email, engines, limits, structure, syntax, targets, variables

FAMILIES: dict[str, str] = {
    "S": "structure", "H": "Handlebars syntax and helpers", "V": "variables",
    "L": "limits", "E": "email quality", "J": "engine portability", "T": "publish targets",
}

RULES: dict[str, type[Rule]] = {
    rule.CODE: rule
    for module in (structure, syntax, variables, limits, email, engines, targets)
    for rule in module.RULES
}


def rules_table() -> str:
    """The Markdown table of every rule (docs/lint.md embeds it; a test keeps it current)."""
    lines = ["| code | name | default | what it checks |", "|---|---|---|---|"]
    for code, rule in RULES.items():
        scope = {"loader": "structure", "channel": "template", "rendered": "rendered"}[rule.SCOPE]
        lines.append(f"| {code} | `{rule.NAME}` | {rule.SEVERITY} | {rule.summary()} "
                     f"({scope}) |")
    return "\n".join(lines) + "\n"


def rules_reference() -> str:
    """Every rule's full documentation (its docstring), as Markdown sections."""
    import inspect

    out = []
    for code, rule in RULES.items():
        doc = inspect.cleandoc(rule.__doc__ or "")
        out.append(f"### {code} {rule.NAME}\n\nDefault severity: {rule.SEVERITY}.\n\n{doc}\n")
    return "\n".join(out)
