"""Which templates render the same in both flavours, decided without rendering the Java one.

The Java flavour (``toolkit.handlebars.java``) differs from the default one only through
the constructs docs/render.md lists ("Two engines"). A template that uses none of them
renders the same text in both, whatever the data, except where a value it reads prints or
tests differently (a number, an object). So the answer comes in two steps:

1. :func:`java_needs` reads the parsed template once: None when it holds a construct where
   the flavours can differ whatever the data; else the values it reads (:class:`JavaNeeds`).
2. :func:`same_in_java` looks those values up in one render context: True when each is of
   a kind both flavours print and test alike, so the Java render equals the default one
   and needs no rendering (``ptk lint``'s J002/J003 then skip it).

What step 1 accepts, and nothing else (every name below is looked up from the template's
top-level context, never inside a block that changes it):

- text whose Java output equals the default one (``ContentStatement.java_value``: no
  standalone block, ``{{else}}`` or comment line, no ``~`` the engines read differently),
  comments; with ``by_words`` (the outputs are compared by their words, as lint compares
  HTML) also text the engines space differently, as long as no word is joined or split,
  whichever way the blocks go;
- ``{{path}}`` / ``{{{path}}}`` (a plain path: no ``this``, ``../``, ``@``, or first name
  ``root``, which handlebars.java also finds in its data) and calls of the documented
  helpers (``toolkit.handlebars.helpers.DOCUMENTED_HELPERS``) whose arguments are such
  paths, literals or calls of the same kind;
- ``{{#if x}}`` and ``{{#unless x}}`` with one argument and no ``includeZero`` (they keep
  the context in both engines), the block forms of the conditional helpers (``#eq``,
  ``#and``…), and ``{{else}}``/``{{else if}}`` chains of them;
- ``{{#each path}}`` whose body prints only ``{{this}}`` (or passes ``this`` to such
  helpers and conditions): the items are the context there, so no name can resolve from an
  enclosing one.

Partials, inline partials, ``#with``, ``lookup``, ``@data``, block parameters, sections
(``{{#name}}`` that is no helper), built-in helpers used inline, hash arguments on
``#if``/``#each``, nested ``#each`` and anything handlebars.java does not parse are left to
the Java render. Step 2 then asks of each value read: a printed value (or a helper
argument) is text, true/false, a whole number that JavaScript prints in full, a list of
those, or missing (a missing bare word such as ``apples`` is not: handlebars.js hands the
helper the word, handlebars.java nothing); an ``#if`` argument is anything but NaN; an
``#each`` list holds such values (or is missing). A path that reads a character of a text
(``name.[0]``) or a property of a number is refused: the engines read those differently.

``tests/handlebars/test_portable.py`` checks the claim on every case of the conformance
corpus and of ``tests/data/handlebars-java`` and on generated templates and data: whatever
:func:`same_in_java` accepts renders identically in both flavours.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.handlebars import ast
from toolkit.handlebars.builtins import BUILTIN_HELPERS
from toolkit.handlebars.helpers import DOCUMENTED_HELPERS
from toolkit.handlebars.runtime import HelperSpec

# the conditional helpers, whose block form renders its body in the caller's context
CONDITIONALS = frozenset({"and", "eq", "gt", "gte", "lt", "lte", "neq", "not", "or"})
_CONTEXT_KEEPING = frozenset({"if", "unless"})
_LITERALS = (ast.StringLiteral, ast.NumberLiteral, ast.BooleanLiteral, ast.NullLiteral,
             ast.UndefinedLiteral)
_JS_WHOLE = 10**21  # JavaScript prints a whole number below this in full (as Java does)

# what a looked-up value is used for (JavaNeeds.reads)
PRINT, ARGUMENT, BARE_ARGUMENT, TEST, ITEMS = "print", "argument", "bare", "test", "items"


@dataclass(frozen=True)
class JavaNeeds:
    """What a template without flavour-dependent constructs reads: ``(use, path)`` pairs,
    ``use`` one of ``print`` (``{{path}}``), ``argument`` (a helper argument), ``bare``
    (a helper argument that handlebars.js reads as text when it has no value), ``test``
    (an ``#if``/``#unless`` argument) and ``items`` (the list ``#each`` iterates)."""

    reads: tuple[tuple[str, tuple[str, ...]], ...]


_AMBIGUOUS = object()  # a path step the two engines read differently


def _resolve(context: Any, parts: tuple[str, ...]) -> Any:
    """The value at ``parts`` as both engines find it from the top-level context (None when
    missing), or _AMBIGUOUS when they would read a step differently."""
    value = context
    for part in parts:
        if value is None:
            return None
        kind = value.__class__
        if kind is dict:
            value = value.get(part)
            continue
        index = _index(part)
        if kind is list and index is not None:
            value = value[index] if index < len(value) else None
        elif kind is str and index is not None and index >= len(value):
            value = None  # past the end: nothing in either engine
        else:
            return _AMBIGUOUS  # a character, a list's length, a number's Java properties
    return value


def _index(part: str) -> int | None:
    if part.isdigit() and part.isascii() and (part == "0" or part[0] != "0"):
        return int(part)
    return None


def _scalar(value: Any) -> bool:
    """Prints the same in both engines: text, true/false, a whole number JS prints in full."""
    kind = value.__class__
    return kind is str or kind is bool or (kind is int and -_JS_WHOLE < value < _JS_WHOLE)


def _printable(value: Any) -> bool:
    if value.__class__ is list:
        return all(_scalar(item) for item in value)
    return _scalar(value)


def same_in_java(needs: JavaNeeds, context: Any) -> bool:
    """Whether a template with these ``needs`` renders the same text in both flavours with
    ``context`` (the render context: plain dicts, lists and JSON scalars)."""
    for use, parts in needs.reads:
        value = _resolve(context, parts)
        if value is _AMBIGUOUS:
            return False
        if value is None:
            if use == BARE_ARGUMENT:
                return False
            continue
        if use == TEST:
            if value.__class__ is float and value != value:  # NaN: false in JS, not in Java
                return False
        elif use == ITEMS:
            if value.__class__ is not list or not all(_scalar(item) for item in value):
                return False
        elif not _printable(value):
            return False
    return True


# --- reading the template -------------------------------------------------------------------

_ROOT, _ITEM = 0, 1  # where a statement is: the top-level context, or an #each item

# Comparing by words (``by_words``), text the engines space differently is the same as long
# as no word is joined or split. Whether appending a text joins it to the last word depends
# on whether the output so far ends with whitespace, so the reader follows, for every way
# the blocks can go, the pair (ptk's output so far ends with whitespace or is empty, the
# Java output does): a set of such pairs. Both outputs start empty.
State = frozenset[tuple[bool, bool]]
_START: State = frozenset({(True, True)})
_ALIKE: State = frozenset({(True, True), (False, False)})


class _Reader:
    """One pass over a Program (see the module docstring); ``reads`` collects what
    :func:`same_in_java` must check. Each statement method takes the possible states
    before it and returns those after it, or None when the flavours can differ."""

    def __init__(self, helpers: Mapping[str, HelperSpec], by_words: bool) -> None:
        self.helpers = helpers
        self.by_words = by_words
        self.reads: dict[tuple[str, tuple[str, ...]], None] = {}

    def program(self, program: ast.Program | None, where: int, state: State) -> State | None:
        if program is None:
            return state
        if program.block_params:
            return None
        after: State = state
        for statement in program.body:
            found: State | None
            if isinstance(statement, ast.ContentStatement):
                java = statement.java_value if statement.java_value is not None \
                    else statement.original
                found = self.text(statement.value, java, after)
            elif isinstance(statement, ast.CommentStatement):
                continue
            elif isinstance(statement, ast.MustacheStatement):
                found = _value_text(after) if self.mustache(statement, where) else None
            elif isinstance(statement, ast.BlockStatement):
                found = self.block(statement, where, after)
            else:  # partials, inline partials, decorators
                return None
            if found is None:
                return None
            after = found
        return after

    def text(self, ours: str, java: str, state: State) -> State | None:
        """Literal text, ``ours`` as ptk outputs it and ``java`` as handlebars.java does."""
        if ours == java:
            if not ours:
                return state
            if not ours[0].isspace() and any(a != b for a, b in state):
                return None  # it joins the last word in one output only
            end = ours[-1].isspace()
            return frozenset({(end, end)})
        words = ours.split()
        if not self.by_words or words != java.split():
            return None
        after = set()
        for a, b in state:
            if words:
                if (not a and not ours[0].isspace()) != (not b and not java[0].isspace()):
                    return None
                after.add((ours[-1].isspace(), java[-1].isspace()))
            else:  # whitespace only (or nothing) on one side
                after.add((a or bool(ours), b or bool(java)))
        return frozenset(after)

    def root_path(self, node: Any, use: str) -> bool:
        """A plain path from the top-level context: noted with its ``use``."""
        if (node.__class__ is not ast.PathExpression or node.data or node.depth or node.this
                or not node.parts or "" in node.parts or node.parts[0] == "root"):
            return False
        self.reads[(use, node.parts)] = None
        return True

    @staticmethod
    def this(node: Any) -> bool:
        """``{{this}}`` / ``{{.}}``: the #each item itself."""
        return (node.__class__ is ast.PathExpression and not node.parts and not node.data
                and not node.depth)

    def value(self, node: Any, where: int, use: str) -> bool:
        """A helper argument or a block's test."""
        if isinstance(node, _LITERALS):
            return True
        if node.__class__ is ast.SubExpression:
            return self.call(node.path, node.params, node.hash, where)
        if where == _ITEM:
            return self.this(node)
        if use == ARGUMENT and node.__class__ is ast.PathExpression and node.bare:
            use = BARE_ARGUMENT
        return self.root_path(node, use)

    def helper(self, path: Any) -> tuple[str, HelperSpec] | None:
        """The helper a call's path names, when it is one this module reads."""
        if (path.__class__ is not ast.PathExpression or path.data or path.depth or path.this
                or len(path.parts) != 1):
            return None
        name = path.parts[0]
        spec = self.helpers.get(name)
        if spec is None:
            return None
        return name, spec

    def call(self, path: Any, params: tuple, hash_: ast.Hash | None, where: int) -> bool:
        """An inline call (``{{helper a b}}``, ``(helper a b)``) of a documented helper."""
        found = self.helper(path)
        if found is None or not _documented(*found):
            return False
        values = [*params, *(pair.value for pair in (hash_.pairs if hash_ else ()))]
        return all(self.value(v, where, ARGUMENT) for v in values)

    def mustache(self, node: ast.MustacheStatement, where: int) -> bool:
        path = node.path
        if path.__class__ is not ast.PathExpression:
            return False  # {{"name"}}, {{1}}: handlebars.java refuses or reads them otherwise
        if node.params or node.hash or self.helper(path) is not None:
            return self.call(path, node.params, node.hash, where)
        if where == _ITEM:
            return self.this(path)
        return self.root_path(path, PRINT)

    def block(self, node: ast.BlockStatement, where: int, state: State) -> State | None:
        if node.raw or node.block_params or node.program is None:
            return None  # raw blocks, as |x|, {{^x}} (handlebars.java runs {{^if}} as #if)
        found = self.helper(node.path)
        if found is None:
            return None  # a section: #with-like scopes and Java emptiness
        name, spec = found
        if name == "each":
            if (spec.fn is not BUILTIN_HELPERS[name].fn or len(node.params) != 1 or node.hash
                    or where == _ITEM or not self.root_path(node.params[0], ITEMS)):
                return None
            return self.loop(node, state)
        if name in _CONTEXT_KEEPING:
            if (spec.fn is not BUILTIN_HELPERS[name].fn or len(node.params) != 1 or node.hash
                    or not self.value(node.params[0], where, TEST)):
                return None
        elif name in CONDITIONALS and _documented(name, spec):
            pairs = node.hash.pairs if node.hash else ()
            if not all(self.value(v, where, ARGUMENT)
                       for v in (*node.params, *(p.value for p in pairs))):
                return None
        else:
            return None
        body = self.program(node.program, where, state)
        other = self.program(node.inverse, where, state)
        if body is None or other is None:
            return None
        return body | other

    def loop(self, node: ast.BlockStatement, state: State) -> State | None:
        """``#each``: the ``{{else}}`` once, or the body once or more (items are the context
        there)."""
        after = self.program(node.inverse, _ROOT, state)
        once = self.program(node.program, _ITEM, state)
        if after is None or once is None:
            return None
        seen = once
        while True:
            again = self.program(node.program, _ITEM, seen)
            if again is None:
                return None
            if again <= seen:
                return after | seen
            seen = seen | again


def _value_text(state: State) -> State | None:
    """After a value both engines print alike (any text, maybe none): the outputs stay
    alike only if they ended alike."""
    if any(a != b for a, b in state):
        return None
    return _ALIKE


def _documented(name: str, spec: HelperSpec) -> bool:
    """A documented Pinpoint helper, as ptk defines it (the same function in both flavours)."""
    known = DOCUMENTED_HELPERS.get(name)
    return known is not None and spec.fn is known.fn


def java_needs(program: ast.Program, helpers: Mapping[str, HelperSpec], *,
               by_words: bool = False) -> JavaNeeds | None:
    """None when ``program`` holds a construct where the flavours can differ whatever the
    data (see the module docstring); else the values it reads. ``helpers`` is the helper
    set it renders with. ``by_words``: the outputs are compared by their words
    (``text.split()``, as lint compares HTML), so text the engines space differently
    counts as the same as long as no word is joined or split. Remembered for the Program
    object (as its compiled form is)."""
    key = (id(program), id(helpers), by_words)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is program and cached[1] is helpers:
        return cached[2]
    needs = _read(program, helpers, by_words)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = (weakref.ref(program), helpers, needs)
    return needs


def _read(program: ast.Program, helpers: Mapping[str, HelperSpec], by_words: bool
          ) -> JavaNeeds | None:
    if program.java_rejects:
        return None
    reader = _Reader(helpers, by_words)
    try:
        if reader.program(program, _ROOT, _START) is None:
            return None
    except RecursionError:  # nested thousands of levels deep: let the Java render decide
        return None
    return JavaNeeds(tuple(reader.reads))


_CACHE_SIZE = 1024
_CACHE: dict[tuple[int, int, bool], tuple[weakref.ref, Mapping[str, HelperSpec], JavaNeeds | None]] = {}


__all__ = ["JavaNeeds", "java_needs", "same_in_java", "CONDITIONALS"]
