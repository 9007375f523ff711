"""Dialects: one :class:`Dialect` per publish target, the one home of what differs between
them (DESIGN.md §1 and §7). The Handlebars engine, the renderer, the loader, the linter and
the preview read the dialect they are given; none of them tests a target's name.

``DIALECTS`` is the registry (an explicit dict, name -> Dialect); the name is the value of
``target`` in ``ptk.toml``. ``PINPOINT`` (``pinpoint.py``) is the Amazon Pinpoint dialect,
``CONNECT`` (``connect.py``) the Amazon Connect one, ``SES`` (``ses.py``) the Amazon SES v2
one.

Adding a dialect (e.g. ``connect``)
-----------------------------------

1. Write ``toolkit/dialects/connect.py`` defining ``CONNECT = Dialect(name="connect", ...)``
   (``dialect.py`` documents every field; ``pinpoint.py`` is the worked example): its
   variable table, helper set (e.g. ``PINPOINT_HELPERS`` without ``with``), ``each_limit``,
   ``missing`` ("placeholder" keeps ``{{Attributes.Customer.LastName}}`` as written),
   ``print_list``, ``escape_html_fields``, ``context_layers`` (build the layers with
   ``toolkit.dialects.context``), ``defaults_key``, schema names, ``read_fixture``, name
   rules, ``limits``, ``channels`` (every channel: None, or the reason it cannot be stored,
   e.g. ``"voice": "Amazon Connect has no voice message templates"``) and any
   ``environment_keys`` its publishing needs (e.g. ``knowledge_base``).
2. Add new JSON Schemas (a fixture schema, manifest schemas that differ) as
   ``toolkit/schemas/<name>.schema.json`` and list them in ``schemas.SCHEMA_NAMES``.
3. Register it: one line in ``DIALECTS`` below.
4. A publish target (``toolkit/sync/<name>.py``) is registered separately, in
   ``toolkit.sync.session.TARGETS``; ``target = "<name>"`` works in ``ptk.toml`` once both
   exist, and the target contract suite (``tests/sync/contract``) runs against it.
"""

from __future__ import annotations

from toolkit.dialects.connect import CONNECT
from toolkit.dialects.dialect import Dialect, EnvironmentKey, Variable
from toolkit.dialects.pinpoint import PINPOINT
from toolkit.dialects.ses import SES

DIALECTS: dict[str, Dialect] = {"pinpoint": PINPOINT, "connect": CONNECT, "ses": SES}

DEFAULT_DIALECT = "pinpoint"  # the target of a repository whose ptk.toml names none

# Targets DESIGN.md §7 plans that this version does not have yet: a clear message instead of
# "unknown". Remove the entry in the commit that registers the dialect.
PLANNED: dict[str, str] = {}


def target_problem(name: str) -> str | None:
    """Why ``name`` is not a usable target (``target = ...``, ``--target``), or None."""
    if name in DIALECTS:
        return None
    known = ", ".join(sorted(DIALECTS))
    if name in PLANNED:
        return (f"target {name!r} ({PLANNED[name]}) is not available in this version of ptk "
                f"(available: {known})")
    return f"unknown target {name!r} (known: {known})"


__all__ = ["CONNECT", "DEFAULT_DIALECT", "DIALECTS", "Dialect", "EnvironmentKey", "PINPOINT",
           "PLANNED", "SES", "Variable", "target_problem"]
