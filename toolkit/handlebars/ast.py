"""The Handlebars syntax tree: frozen dataclasses, each with a 1-based ``line`` and ``column``.

The node names and fields follow the handlebars.js AST (``compiler/ast.js``) so that anyone
who knows Handlebars finds their way; the differences are Pythonic names (``block_params``
instead of ``blockParams``) and a few fields the linter wants (``PathExpression.bare``,
``ContentStatement.original``). ``walk(node)`` yields every node of a tree, parents first,
without recursion (templates may nest blocks 1,000 levels deep).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Union


@dataclass(frozen=True, slots=True)
class Node:
    line: int
    column: int


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Program(Node):
    """A sequence of statements: the whole template, or a block's main or ``{{else}}`` part.
    ``block_params`` are the names of ``as |a b|``; ``chained`` marks the inverse of a block
    whose ``{{else if …}}`` chain continues in ``body[0]``; ``path`` is the file (or None)."""

    body: tuple[Statement, ...]
    block_params: tuple[str, ...] = ()
    chained: bool = False
    path: str | None = None
    java_rejects: tuple[JavaRejected, ...] = ()


@dataclass(frozen=True, slots=True)
class JavaRejected(Node):
    """A construct handlebars.js (and ptk) accept but handlebars.java's parser rejects,
    found while parsing (listed on the template's root ``Program.java_rejects``): ``text``
    as written, ``reason`` what the Java engine does with it, ``portable`` a spelling both
    engines accept. ptk's Java flavour refuses to render such a template, as the service
    would; the linter reports each (``toolkit.lint.rules.engines``)."""

    text: str
    reason: str
    portable: str


@dataclass(frozen=True, slots=True)
class ContentStatement(Node):
    """Literal text. ``value`` is what is output (after ``~`` and standalone-line stripping),
    ``original`` the text as written. ``java_value`` is what handlebars.java outputs
    without prettyPrint: only its ``~`` rules applied, standalone lines kept (None: the
    same as ``original``)."""

    value: str
    original: str
    java_value: str | None = None


@dataclass(frozen=True, slots=True)
class CommentStatement(Node):
    value: str


@dataclass(frozen=True, slots=True)
class PathExpression(Node):
    """A variable reference such as ``User.UserAttributes.[Last Name]``, ``../name``,
    ``this``, ``@index`` or ``@root.x``.

    ``parts`` are the segments to look up (``this``, ``.`` and ``..`` removed; ``depth``
    counts the ``..``); ``head`` is ``parts[0]`` or None; ``data`` is True for ``@`` paths;
    ``this`` is True when the path is explicitly relative to the context (``this.x``,
    ``./x``, ``../x``), which also means it never names a helper; ``bare`` is True for a
    word that may be meant as literal text (``apples``, ``America/Los_Angeles``: plain
    segments joined by ``/`` only, no brackets, no ``@``, ``..`` or ``this``).

    ``original`` is handlebars.js's (``User.UserAttributes.Last Name``: segment brackets
    dropped); ``written`` keeps them (``User.UserAttributes.[Last Name]``), empty when the two
    are the same. What ptk shows a user (a missing variable, a placeholder) is
    :attr:`as_written`, which can be pasted back into a template."""

    original: str
    head: str | None
    parts: tuple[str, ...]
    data: bool = False
    depth: int = 0
    this: bool = False
    bare: bool = False
    written: str = ""

    @property
    def as_written(self) -> str:
        return self.written or self.original


@dataclass(frozen=True, slots=True)
class StringLiteral(Node):
    value: str
    original: str


@dataclass(frozen=True, slots=True)
class NumberLiteral(Node):
    value: int | float
    original: str


@dataclass(frozen=True, slots=True)
class BooleanLiteral(Node):
    value: bool
    original: str


@dataclass(frozen=True, slots=True)
class NullLiteral(Node):
    value: None = None
    original: str = "null"


@dataclass(frozen=True, slots=True)
class UndefinedLiteral(Node):
    original: str = "undefined"


Literal = Union[StringLiteral, NumberLiteral, BooleanLiteral, NullLiteral, UndefinedLiteral]


@dataclass(frozen=True, slots=True)
class HashPair(Node):
    key: str
    value: Expression


@dataclass(frozen=True, slots=True)
class Hash(Node):
    pairs: tuple[HashPair, ...]


@dataclass(frozen=True, slots=True)
class SubExpression(Node):
    """``(helper arg key=value)``."""

    path: PathExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None


Expression = Union[PathExpression, SubExpression, StringLiteral, NumberLiteral, BooleanLiteral,
                   NullLiteral, UndefinedLiteral]


@dataclass(frozen=True, slots=True)
class MustacheStatement(Node):
    """``{{x}}`` (``escaped``), ``{{{x}}}`` or ``{{& x}}`` (not escaped)."""

    path: PathExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None
    escaped: bool


@dataclass(frozen=True, slots=True)
class Decorator(Node):
    """``{{* name …}}``: a decorator call (Handlebars defines none but ``inline`` blocks)."""

    path: PathExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None


@dataclass(frozen=True, slots=True)
class BlockStatement(Node):
    """``{{#name …}}…{{else}}…{{/name}}``, ``{{^name}}…{{/name}}`` (``program`` None or the
    ``{{else}}`` part, ``inverse`` the body) and raw blocks ``{{{{name}}}}…{{{{/name}}}}``
    (``raw`` True)."""

    path: PathExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None
    program: Program | None
    inverse: Program | None
    block_params: tuple[str, ...] = ()
    raw: bool = False
    close_line: int = 0
    close_column: int = 0


@dataclass(frozen=True, slots=True)
class DecoratorBlock(Node):
    """``{{#*inline "name"}}…{{/inline}}``: an inline partial definition."""

    path: PathExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None
    program: Program


@dataclass(frozen=True, slots=True)
class PartialStatement(Node):
    """``{{> name [context] [key=value]}}``; ``name`` is a SubExpression for a dynamic
    partial. ``indent`` is the whitespace before a standalone partial (each output line
    is indented by it)."""

    name: PathExpression | SubExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None
    indent: str = ""


@dataclass(frozen=True, slots=True)
class PartialBlockStatement(Node):
    """``{{#> name}}default content{{/name}}``."""

    name: PathExpression | SubExpression | Literal
    params: tuple[Expression, ...]
    hash: Hash | None
    program: Program


Statement = Union[ContentStatement, CommentStatement, MustacheStatement, Decorator,
                  BlockStatement, DecoratorBlock, PartialStatement, PartialBlockStatement]

_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(node: Node) -> list[Node]:
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = tuple(f.name for f in fields(node)
                      if f.name in ("body", "path", "params", "hash", "pairs", "value",
                                    "program", "inverse", "name"))
        _CHILD_FIELDS[type(node)] = names
    out: list[Node] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, Node))
    return out


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree under ``node`` (itself included), parents before children,
    in source order. Iterative: safe for any nesting depth."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(_children(current)))
