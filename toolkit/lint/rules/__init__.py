"""The registry of lint rules: code -> rule class, one module per family.

S structure (from the loader), H Handlebars syntax and helpers, V variables,
L limits (quotas, SMS, push, in-app, voice, tags), E email quality.
Adding a rule: write the class in its family module, add it to that module's ``RULES``
tuple, add ``tests/data/lint/<CODE>/{fail,pass}/`` cases, run the tests (docs/lint.md's table
is checked against this registry).
"""

from __future__ import annotations

from toolkit.lint.rule import Rule
from toolkit.lint.rules import email, limits, structure, syntax, variables

FAMILIES: dict[str, str] = {
    "S": "structure", "H": "Handlebars syntax and helpers", "V": "variables",
    "L": "limits", "E": "email quality",
}

RULES: dict[str, type[Rule]] = {
    rule.CODE: rule
    for module in (structure, syntax, variables, limits, email)
    for rule in module.RULES
}
