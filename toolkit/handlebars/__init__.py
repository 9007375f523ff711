"""ptk's Handlebars engine (dialect-free: every setting comes from the ``RenderEnv``).

>>> from toolkit.handlebars import parse, render
>>> program = parse("Hi {{User.UserAttributes.FirstName}}!")
>>> render(program, {"User": {"UserAttributes": {"FirstName": ["Ada"]}}}).text
'Hi Ada!'

- :func:`parse` turns text into an AST (:mod:`toolkit.handlebars.ast`) with 1-based
  line:column on every node; it raises :class:`HandlebarsSyntaxError`.
- :func:`render` renders a parsed template with the settings of a :class:`RenderEnv`
  (helper set, escaping, ``#each`` limit, missing-variable output, list printing, variable
  roots; the defaults are Pinpoint's) and returns a :class:`RenderResult` (text plus the
  variables that had no value).
- :mod:`toolkit.handlebars.runtime` is the helper contract; :mod:`.builtins` holds the
  Handlebars built-ins, :mod:`.helpers` the Pinpoint helpers.
"""

from __future__ import annotations

from toolkit.handlebars.evaluator import MissingVariable, OuterScopeValue, RenderResult, render
from toolkit.handlebars.lexer import HandlebarsSyntaxError
from toolkit.handlebars.parser import parse
from toolkit.handlebars.runtime import (
    UNDEFINED, HelperCall, HelperError, HelperSpec, RenderEnv, SafeString, escape_html,
    is_empty, is_truthy, join_list, to_output,
)

__all__ = [
    "parse", "render", "HandlebarsSyntaxError", "RenderResult", "MissingVariable", "OuterScopeValue",
    "RenderEnv",
    "HelperCall", "HelperSpec", "HelperError", "SafeString", "UNDEFINED", "is_empty",
    "is_truthy", "to_output", "join_list", "escape_html",
]
