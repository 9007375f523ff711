"""Evaluator: renders a parsed template with the settings of its ``RenderEnv``.

The engine knows no dialect: the helper set, escaping, the ``#each`` limit, what a missing
variable renders as, how lists print and which names are never bare words all come from
the :class:`~toolkit.handlebars.runtime.RenderEnv` of the render (``toolkit.dialects``
derives one per target and part; DESIGN.md §4 for Pinpoint's).

The tree is compiled once into nested Python closures (cached on the Program), so a
re-render runs one small function per statement instead of walking and dispatching on
node types. Every closure has the signature ``f(r, ctx, depths, data, bps)``:

- ``r``: the per-render state (:class:`_Render`: helpers, env, partials, missing variables)
- ``ctx``: the current context (``this``)
- ``depths``: the chain of enclosing contexts as a linked tuple ``(ctx, parent_chain)``;
  ``../`` walks it (a new link is added only when a block changes the context, as in
  handlebars.js, so ``{{#if}}`` does not count as a level)
- ``data``: the current ``@data`` frame (``@index``, ``@key``, ``@first``, ``@last``,
  ``@root``; ``_parent`` links to the enclosing frame for ``@../index``)
- ``bps``: block parameter values (``as |item i|``) as a linked tuple ``(values, outer)``;
  which level and slot a name refers to is decided at compile time, lexically.

Name resolution follows handlebars.js: ``{{name}}`` is a helper call when a helper of that
name is registered, otherwise a lookup; ``{{name arg}}`` must be a helper; a block whose
name is not a helper is a mustache-style section (``{{#items}}…{{/items}}`` iterates a
list, renders once for any other non-empty value, or renders its ``{{else}}``).
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.errors import RenderError
from toolkit.handlebars import ast
from toolkit.handlebars.parser import no_gc
from toolkit.handlebars.runtime import (
    UNDEFINED, HelperCall, HelperError, HelperSpec, RenderEnv, SafeString, escape_html, is_truthy,
    lookup_property, property_key, to_output,
)

RECURSION_LIMIT = 20000
# Block bodies one render may run ({{#each}} items, {{#if}}/{{#with}} bodies ...). Nested
# loops multiply: 15 items in 7 nested {{#each}} is 170 million bodies (hours, gigabytes),
# which no message needs; a real template runs a few hundred.
MAX_BLOCK_RUNS = 100_000
TOO_MANY_RUNS = (f"the template runs more than {MAX_BLOCK_RUNS:,} block bodies (nested "
                 f"{{{{#each}}}} loops multiply: 15 items in 5 nested loops are 759,375)")
TOO_MANY_RUNS_HINT = "nest fewer loops (ptk stops here so that render, lint and the preview " \
                     "do not run for hours)"


class TooManyRuns(Exception):
    """A render ran more than MAX_BLOCK_RUNS block bodies; the block helper call site (or
    :func:`render`) turns it into a RenderError with a location."""


def count_run(r: _Render) -> None:
    """Count one block body run; TooManyRuns past MAX_BLOCK_RUNS."""
    r.runs += 1
    if r.runs > MAX_BLOCK_RUNS:
        raise TooManyRuns

@dataclass(frozen=True)
class MissingVariable:
    """A variable that had no value while rendering: its path as written (e.g.
    ``User.UserAttributes.FirstName``), where it is, and whether it was ``guarded`` (the
    argument of a block such as ``{{#if x}}``, which has its own {{else}} for that case).
    ``source`` names the partial it was found in (None for the template itself)."""

    path: str
    line: int
    column: int
    guarded: bool = False
    source: str | None = None


@dataclass(frozen=True)
class OuterScopeValue:
    """A variable the Java flavour found in an enclosing context, not in the current one
    (``{{Address}}`` inside ``{{#each}}``, where ptk's default flavour finds nothing): its
    path as written, where it is, ``levels`` (how many contexts out) and ``source`` (the
    partial it is in, None for the template itself)."""

    path: str
    line: int
    column: int
    levels: int
    source: str | None = None


@dataclass(frozen=True)
class RenderResult:
    """The output, every variable that had no value, and (Java flavour only) every variable
    that took its value from an enclosing context."""

    text: str
    missing: tuple[MissingVariable, ...]
    outer_scope: tuple[OuterScopeValue, ...] = ()


class _Render:
    __slots__ = ("helpers", "env", "escape", "print_list", "placeholders", "roots", "missing",
                 "partials", "sources", "parsed", "source", "print", "show", "outer", "runs")

    def __init__(self, helpers: Mapping[str, HelperSpec], env: RenderEnv,
                 sources: Mapping[str, str]) -> None:
        self.helpers = helpers
        self.env = env
        self.escape = env.escape_html
        self.print_list = env.print_list
        self.placeholders = env.missing == "placeholder"
        self.roots = env.variable_roots
        # how a helper's result (print) and a variable's value (show) print, when not text
        self.print: Callable[[_Render, Any], str] = _print
        self.show: Callable[[_Render, Any], str] = _print
        self.outer: dict[tuple[str, int, int, str | None], OuterScopeValue] = {}
        self.missing: dict[tuple[str, int, int, str | None], MissingVariable] = {}
        self.partials: dict[str, Any] = {}
        self.sources = sources
        self.parsed: dict[str, Any] = {}
        self.source: str | None = None
        self.runs = 0  # block bodies run (count_run)

    def record(self, node: ast.PathExpression, guarded: bool) -> None:
        key = (node.as_written, node.line, node.column, self.source)
        if key not in self.missing:
            self.missing[key] = MissingVariable(node.as_written, node.line, node.column,
                                                guarded, self.source)


def _error(r: _Render, node: ast.Node, message: str, hint: str | None = None) -> RenderError:
    where = f"{r.source}:" if r.source else "line "
    err = RenderError(f"{where}{node.line}:{node.column}: {message}", hint, path=r.source,
                      line=node.line, column=node.column)
    err.description = message  # type: ignore[attr-defined]
    return err


_PRIMITIVES = (str, int, float, bool)


def _print(r: _Render, value: Any) -> str:
    """The text a non-string value prints as: lists as the environment prints them."""
    return r.print_list(value) if value.__class__ is list else to_output(value)


def _push(ctx: Any, depths: Any) -> Any:
    """The depth chain for a program entered with ``ctx`` (handlebars.js ``wrapProgram``)."""
    top = depths[0] if depths is not None else UNDEFINED
    if ctx is top:
        return depths
    if ctx.__class__ in _PRIMITIVES and top.__class__ in _PRIMITIVES and ctx == top:
        return depths
    if (ctx is None or ctx is UNDEFINED) and (top is None or top is UNDEFINED):
        return depths
    return (ctx, depths)


def _frame(data: dict, extra: Mapping[str, Any] | None) -> dict:
    frame = dict(data)
    if extra:
        frame.update(extra)
    frame["_parent"] = data
    return frame


def _js_truthy(value: Any) -> bool:
    if value is None or value is UNDEFINED or value is False or value == "":
        return False
    if value.__class__ in (int, float):
        return value == value and value != 0
    return True


def _resolve(value: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if value.__class__ is dict:
            value = value.get(part, UNDEFINED)
        elif value is None or value is UNDEFINED:
            return value
        else:
            value = lookup_property(value, part)
    return value


# --- expressions -------------------------------------------------------------------------

Getter = Callable[[Any, Any, Any, Any, Any], Any]


class _Compiler:
    """Compiles a Program for the default flavour (handlebars.js semantics plus the
    environment's rules). ``toolkit.handlebars.java.JavaCompiler`` overrides the parts
    where handlebars.java differs."""

    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []  # declared block params, innermost last
        self.nested = -1  # program nesting while compiling (0 = the template's top level)

    @staticmethod
    def content_text(statement: ast.ContentStatement) -> str:
        """What a text statement outputs (after ``~`` and standalone-line stripping)."""
        return statement.value

    @staticmethod
    def section(r: _Render, node: Any, value: Any, record_node: Any, fn_prog: Getter | None,
                inv_prog: Getter | None, declares: bool, ctx: Any, depths: Any, data: dict,
                bps: Any, /) -> str:
        """A block whose name is not a helper (``{{#items}}…{{/items}}``)."""
        return _section(r, node, value, record_node, fn_prog, inv_prog, declares, ctx, depths,
                        data, bps)

    @staticmethod
    def program_caller(prog: Getter | None, declares: bool, r: _Render, ctx: Any, depths: Any,
                       data: dict, bps: Any, /) -> Callable[..., str]:
        """The ``fn``/``inverse`` a block helper receives."""
        return _program_caller(prog, declares, r, ctx, depths, data, bps)

    # paths ------------------------------------------------------------------------------
    def block_param(self, node: ast.PathExpression) -> tuple[int, int] | None:
        if node.depth or node.this or not node.parts:
            return None
        level = 0
        for names in reversed(self.scopes):
            if node.parts[0] in names:
                return level, names.index(node.parts[0])
            level += 1
        return None

    def path(self, node: ast.PathExpression) -> Getter:
        parts = node.parts
        if parts and parts[0] == "":
            # handlebars.js reads a path whose first segment is empty ({{[]}}, {{[].x}})
            # as the context itself and ignores the rest
            node = dataclasses.replace(node, parts=(), head=None, data=False)
            parts = ()
        bp = self.block_param(node)
        if bp is not None:
            level, index = bp
            rest = parts[1:]

            def get_block_param(r, ctx, depths, data, bps):
                b = bps
                for _ in range(level):
                    b = b[1] if b is not None else None
                if b is None:
                    return UNDEFINED
                values = b[0]
                if values is None:
                    raise _error(r, node, f"block parameter {parts[0]} has no value: the block "
                                 "does not provide block parameters",
                                 "only #each and #with (and helpers that pass them) fill as |…|")
                value = values[index] if index < len(values) else UNDEFINED
                return _resolve(value, rest) if rest else value
            return get_block_param
        depth = node.depth
        if node.data:
            if not parts:  # {{@this}}: the data frame itself
                def get_frame(r, ctx, depths, data, bps):
                    frame = data
                    for _ in range(depth):
                        frame = frame.get("_parent") if frame is not None else None
                    return UNDEFINED if frame is None else frame
                return get_frame
            head, rest = parts[0], parts[1:]

            def get_data(r, ctx, depths, data, bps):
                frame = data
                for _ in range(depth):
                    frame = frame.get("_parent") if frame is not None else None
                if frame is None:
                    return UNDEFINED
                value = frame.get(head, UNDEFINED)
                for part in rest:
                    # handlebars.js reads @data paths as a && a.b && …: a falsy step
                    # (0, "", false) is the result, where other paths give undefined
                    if not _js_truthy(value):
                        return value
                    value = lookup_property(value, part)
                return value
            return get_data
        if depth:
            def get_parent(r, ctx, depths, data, bps):
                d = depths
                for _ in range(depth):
                    d = d[1] if d is not None else None
                base = d[0] if d is not None else UNDEFINED
                if not parts:
                    return base
                if base is None:
                    return UNDEFINED
                return _resolve(base, parts)
            return get_parent
        if not parts:
            return lambda r, ctx, depths, data, bps: ctx
        if len(parts) == 1:
            key = parts[0]

            def get_one(r, ctx, depths, data, bps):
                if ctx.__class__ is dict:
                    return ctx.get(key, UNDEFINED)
                if ctx is None:
                    return UNDEFINED
                return lookup_property(ctx, key)
            return get_one
        first, rest = parts[0], parts[1:]

        def get_many(r, ctx, depths, data, bps):
            if ctx.__class__ is dict:
                value = ctx.get(first, UNDEFINED)
            elif ctx is None:
                return UNDEFINED
            else:
                value = lookup_property(ctx, first)
            return _resolve(value, rest)
        return get_many

    def literal(self, node: Any) -> Getter:
        value = UNDEFINED if isinstance(node, ast.UndefinedLiteral) else node.value
        return lambda r, ctx, depths, data, bps: value

    def expression(self, node: Any) -> Getter:
        if isinstance(node, ast.PathExpression):
            return self.path(node)
        if isinstance(node, ast.SubExpression):
            return self.sub_expression(node)
        return self.literal(node)

    def sub_expression(self, node: ast.SubExpression) -> Getter:
        """``(helper args)``. handlebars.js treats every subexpression as a call: without
        arguments, a name that is not a registered helper is looked up, and a value that
        is there (and cannot be called) is an error; nothing there gives undefined."""
        path = node.path if isinstance(node.path, ast.PathExpression) else _literal_path(node.path)
        if node.params or node.hash:
            call = self.call_site(node, node.path, node.params, node.hash, False)
            if call is not None:
                return call
            if self.block_param(path) is not None:
                return self.path(path)
            label = _path_name(node.path)

            def not_callable(r, ctx, depths, data, bps):
                raise _error(r, node, f"{label} is not a helper",
                             "only helpers can be called with arguments")
            return not_callable
        if self.block_param(path) is not None:
            return self.path(path)
        name = _helper_name(node.path, self)
        call = self.call_site(node, node.path, (), None, False) if name is not None else None
        lookup = self.path(path)
        label = _path_name(node.path)

        def ambiguous(r, ctx, depths, data, bps):
            if call is not None and name in r.helpers:
                return call(r, ctx, depths, data, bps)
            value = lookup(r, ctx, depths, data, bps)
            if _js_truthy(value):
                raise _error(r, node, f"({label}) calls {label}, which is not a helper",
                             f"write {label} without parentheses to use the value")
            return UNDEFINED
        return ambiguous

    # helper calls ------------------------------------------------------------------------
    def arguments(self, params: tuple, hash_: ast.Hash | None
                  ) -> tuple[list[Getter], list[ast.PathExpression | None], tuple[str | None, ...],
                             list[tuple[str, Getter, ast.PathExpression | None]]]:
        getters = [self.expression(p) for p in params]
        nodes = [_argument_node(p) for p in params]
        raw = tuple(p.original if isinstance(p, ast.PathExpression)
                    else (f"({_path_name(p.path)} …)" if isinstance(p, ast.SubExpression)
                          else None) for p in params)
        pairs = [(pair.key, self.expression(pair.value), _argument_node(pair.value))
                 for pair in _hash_pairs(hash_)]
        return getters, nodes, raw, pairs

    def call_site(self, node: Any, path: Any, params: tuple, hash_: ast.Hash | None,
                  guarded: bool, fn_prog: Getter | None = None, inv_prog: Getter | None = None,
                  declares: bool = False) -> Getter | None:
        """A getter that calls the helper named by ``path`` with evaluated arguments, or None
        when ``path`` cannot name a helper (then the caller does a lookup instead)."""
        name = _helper_name(path, self)
        if name is None:
            return None
        getters, nodes, raw, pairs = self.arguments(params, hash_)
        is_block = fn_prog is not None or inv_prog is not None
        line, column = node.line, node.column

        def call(r, ctx, depths, data, bps):
            spec = r.helpers.get(name)
            if spec is None:
                raise _error(r, node, f'missing helper: "{name}"',
                             f"{name} is not a helper ptk knows; check the spelling, or quote "
                             "the text if it is not meant as a helper")
            bare = spec.bare_words
            args = []
            for getter, pnode in zip(getters, nodes, strict=True):
                value = getter(r, ctx, depths, data, bps)
                if pnode is not None and (value is None or value is UNDEFINED):
                    if (bare and pnode.bare and value is UNDEFINED
                            and pnode.original not in r.roots):
                        value = pnode.original
                    elif not pnode.data:
                        r.record(pnode, guarded)
                args.append(value)
            hash_values = {}
            for key, getter, pnode in pairs:
                value = getter(r, ctx, depths, data, bps)
                if pnode is not None and (value is None or value is UNDEFINED):
                    if (bare and pnode.bare and value is UNDEFINED
                            and pnode.original not in r.roots):
                        value = pnode.original
                    elif not pnode.data:
                        r.record(pnode, guarded)
                hash_values[key] = value
            helper_call = HelperCall(name, tuple(args), hash_values, ctx, r.env, is_block,
                                     data=data, raw_args=raw, line=line, column=column,
                                     scope=depths)
            if is_block:
                helper_call.fn = caller(fn_prog, declares, r, ctx, depths, data, bps)
                helper_call.inverse = caller(inv_prog, False, r, ctx, depths, data, bps)
            return _invoke(r, node, spec, helper_call)
        caller = self.program_caller
        return call

    # statements ----------------------------------------------------------------------------
    def program(self, program: ast.Program | None, block_params: tuple[str, ...] = ()) -> Getter | None:
        if program is None:
            return None
        if block_params:
            self.scopes.append(block_params)
        self.nested += 1
        try:
            items: list[Any] = []
            decorators: list[Any] = []
            for statement in program.body:
                if isinstance(statement, ast.ContentStatement):
                    text = self.content_text(statement)
                    if text:
                        if items and isinstance(items[-1], str):
                            items[-1] += text
                        else:
                            items.append(text)
                elif isinstance(statement, ast.CommentStatement):
                    continue
                elif isinstance(statement, (ast.DecoratorBlock, ast.Decorator)):
                    decorators.append(self.decorator(statement))
                else:
                    items.append(self.statement(statement))
        finally:
            self.nested -= 1
            if block_params:
                self.scopes.pop()
        return _make_program(items, decorators)

    def statement(self, node: Any) -> Getter:
        if isinstance(node, ast.MustacheStatement):
            return self.mustache(node)
        if isinstance(node, ast.BlockStatement):
            return self.block(node)
        if isinstance(node, ast.PartialStatement):
            return self.partial(node)
        if isinstance(node, ast.PartialBlockStatement):
            return self.partial_block(node)
        raise TypeError(f"not a statement: {type(node).__name__}")  # pragma: no cover

    def mustache(self, node: ast.MustacheStatement) -> Getter:
        escaped = node.escaped
        path = node.path
        has_args = bool(node.params or node.hash)
        name = _helper_name(path, self)
        if has_args:
            value_of = self.call_site(node, path, node.params, node.hash, False)
            if value_of is None:
                if isinstance(path, ast.PathExpression) and self.block_param(path) is not None:
                    value_of = self.path(path)  # handlebars.js ignores the arguments here
                else:
                    label = _path_name(path)

                    def value_of(r, ctx, depths, data, bps):
                        raise _error(r, node, f"{label} is not a helper",
                                     "only helpers take arguments; remove them or use a "
                                     "helper")

            def render_call(r, ctx, depths, data, bps):
                value = value_of(r, ctx, depths, data, bps)
                text = value if value.__class__ is str else r.print(r, value)
                if escaped and r.escape and value.__class__ is not SafeString:
                    return escape_html(text)
                return text
            return render_call
        if isinstance(path, ast.PathExpression):
            lookup = self.path(path)
            record_node = None if path.data else path
        else:
            record_node = _literal_path(path)
            lookup = self.path(record_node)
        call = self.call_site(node, path, (), None, False) if name is not None else None
        placeholder = None
        if record_node is not None:
            placeholder = ("{{%s}}" if escaped else "{{{%s}}}") % record_node.as_written

        def render_value(r, ctx, depths, data, bps):
            if call is not None and name in r.helpers:
                value = call(r, ctx, depths, data, bps)
            else:
                value = lookup(r, ctx, depths, data, bps)
                if value.__class__ is list and len(value) == 1:
                    value = value[0]  # a list of one value prints as that value
                if value.__class__ is str:
                    if escaped and r.escape:
                        return escape_html(value)
                    return value
                if (value is None or value is UNDEFINED) and record_node is not None:
                    r.record(record_node, False)
                    return placeholder if r.placeholders else ""
                text = r.show(r, value)
                if escaped and r.escape and value.__class__ is not SafeString:
                    return escape_html(text)
                return text
            text = value if value.__class__ is str else r.print(r, value)
            if escaped and r.escape and value.__class__ is not SafeString:
                return escape_html(text)
            return text
        return render_value

    def block(self, node: ast.BlockStatement) -> Getter:
        path = node.path
        fn_prog = self.program(node.program, node.block_params)
        inv_prog = self.program(node.inverse)
        declares = bool(node.block_params)
        has_args = bool(node.params or node.hash)
        name = _helper_name(path, self)
        call = None
        if name is not None:
            call = self.call_site(node, path, node.params, node.hash, True, fn_prog or _EMPTY,
                                  inv_prog or _EMPTY, declares)
        if (call is not None and name in ("if", "unless") and len(node.params) == 1
                and not node.hash and not declares):
            return self.fast_if(node, name, call, fn_prog, inv_prog)
        if has_args:
            if call is None:
                label = _path_name(path)

                def not_helper(r, ctx, depths, data, bps):
                    raise _error(r, node, f"{label} is not a helper",
                                 "only helpers take arguments in a block")
                return not_helper

            def run_helper(r, ctx, depths, data, bps):
                value = call(r, ctx, depths, data, bps)
                return value if value.__class__ is str else r.print(r, value)
            return run_helper
        path_node = path if isinstance(path, ast.PathExpression) else _literal_path(path)
        lookup = self.path(path_node)
        record_node = None if path_node.data else path_node

        section = self.section

        def run_block(r, ctx, depths, data, bps):
            if call is not None and name in r.helpers:
                value = call(r, ctx, depths, data, bps)
                return value if value.__class__ is str else r.print(r, value)
            value = lookup(r, ctx, depths, data, bps)
            return section(r, node, value, record_node, fn_prog, inv_prog, declares, ctx,
                           depths, data, bps)
        return run_block

    def fast_if(self, node: ast.BlockStatement, name: str, call: Getter, fn_prog: Getter | None,
                inv_prog: Getter | None) -> Getter:
        """``{{#if x}}``/``{{#unless x}}`` without going through HelperCall while the
        registered helper is the built-in one (the same result, several times faster)."""
        from toolkit.handlebars.builtins import BUILTIN_HELPERS
        builtin = BUILTIN_HELPERS[name].fn
        param = node.params[0]
        value_of = self.expression(param)
        record = param if isinstance(param, ast.PathExpression) and not param.data else None
        unless = name == "unless"
        then_prog = inv_prog if unless else fn_prog
        else_prog = fn_prog if unless else inv_prog

        def run_if(r, ctx, depths, data, bps):
            spec = r.helpers.get(name)
            if spec is None or spec.fn is not builtin:
                value = call(r, ctx, depths, data, bps)
                return value if value.__class__ is str else r.print(r, value)
            value = value_of(r, ctx, depths, data, bps)
            if value is None or value is UNDEFINED:
                if record is not None:
                    r.record(record, True)
                prog = else_prog
            else:
                prog = then_prog if is_truthy(value) else else_prog
            return prog(r, ctx, depths, data, bps) if prog is not None else ""
        return run_if

    def decorator(self, node: Any) -> Any:
        name = _path_name(node.path)
        if isinstance(node, ast.Decorator) or name != "inline":
            def unknown(r, ctx, depths, data, bps):
                raise _error(r, node, f'unknown decorator "{name}"',
                             'the only decorator is {{#*inline "name"}}…{{/inline}}')
            return unknown
        name_of = self.expression(node.params[0]) if node.params else self.literal(
            ast.UndefinedLiteral(node.line, node.column))
        body = self.program(node.program) or _EMPTY

        top_level = not self.nested

        def define(r, ctx, depths, data, bps):
            # handlebars.js gives an inline partial the depths its program was entered
            # with; for the template's own top level that is none at all.
            scope = None if top_level else depths
            return property_name(name_of(r, ctx, depths, data, bps)), _Inline(body, scope, bps)
        return define

    def partial_args(self, node: Any
                     ) -> tuple[str, Getter | None, Getter | None, list[tuple[str, Getter]]]:
        """(the partial's name as written, or "" when ``dynamic`` computes it; ``dynamic``;
        the context argument's getter; the ``key=value`` getters)."""
        name = node.name
        dynamic: Getter | None
        if isinstance(name, ast.SubExpression):
            dynamic = self.sub_expression(name)
            static = ""
        else:
            dynamic = None
            static = name.original if not isinstance(name, ast.NumberLiteral) else \
                property_name(name.value)
        context = self.expression(node.params[0]) if node.params else None
        pairs = [(pair.key, self.expression(pair.value)) for pair in _hash_pairs(node.hash)]
        return static, dynamic, context, pairs

    # a standalone partial indents every line of its output (handlebars.js)
    indent_partials = True

    @staticmethod
    def enter_partial(r: _Render, node: Any, partial: Any, ctx: Any,
                      hash_values: dict[str, Any] | None, depths: Any, data: dict) -> str:
        """Render ``partial`` with ``ctx`` (the context argument, or the current context)
        and the evaluated ``key=value`` arguments (None when there are none)."""
        if hash_values is not None:
            ctx = _extend(ctx, hash_values)
        return _call_partial(r, node, partial, ctx, depths, data)

    def partial(self, node: ast.PartialStatement) -> Getter:
        static, dynamic, context_of, pairs = self.partial_args(node)
        indent = node.indent if self.indent_partials else ""
        enter = self.enter_partial

        def run_partial(r, ctx, depths, data, bps):
            name = static if dynamic is None else property_name(dynamic(r, ctx, depths, data, bps))
            new_ctx = context_of(r, ctx, depths, data, bps) if context_of else ctx
            hash_values = {k: g(r, ctx, depths, data, bps) for k, g in pairs} if pairs else None
            partial = data.get("partial-block") if name == "@partial-block" else None
            if partial is None and name != "@partial-block":
                partial = _find_partial(r, name)
            if partial is None:
                raise _error(r, node, f"the partial {name} could not be found",
                             "define it with {{#*inline \"" + str(name) + "\"}}…{{/inline}} or "
                             "register it")
            text = enter(r, node, partial, new_ctx, hash_values, depths, data)
            if indent:
                lines = text.split("\n")
                for i, line in enumerate(lines):
                    if not line and i + 1 == len(lines):
                        break
                    lines[i] = indent + line
                text = "\n".join(lines)
            return text
        return run_partial

    def partial_block(self, node: ast.PartialBlockStatement) -> Getter:
        static, dynamic, context_of, pairs = self.partial_args(node)
        body = self.program(node.program) or _EMPTY
        inline = [self.decorator(s) for s in node.program.body
                  if isinstance(s, ast.DecoratorBlock)]

        enter = self.enter_partial

        def run_partial_block(r, ctx, depths, data, bps):
            name = static if dynamic is None else property_name(dynamic(r, ctx, depths, data, bps))
            new_ctx = context_of(r, ctx, depths, data, bps) if context_of else ctx
            hash_values = {k: g(r, ctx, depths, data, bps) for k, g in pairs} if pairs else None
            outer_block = data.get("partial-block")
            block = _PartialBlock(body, depths, bps, outer_block)
            frame = _frame(data, {"partial-block": block})
            extra = dict(d(r, ctx, depths, data, bps) for d in inline) if inline else None
            saved = r.partials
            if extra:
                r.partials = {**saved, **extra}
            try:
                partial = _find_partial(r, name)
                if partial is None:
                    partial = block
                return enter(r, node, partial, new_ctx, hash_values, depths, frame)
            finally:
                r.partials = saved
        return run_partial_block


_EMPTY: Getter = lambda r, ctx, depths, data, bps: ""  # noqa: E731


def property_name(value: Any) -> str:
    return property_key(value)


def _hash_pairs(hash_: ast.Hash | None) -> list[ast.HashPair]:
    """The hash arguments a helper receives: handlebars.js leaves out ``key=undefined``."""
    if hash_ is None:
        return []
    return [pair for pair in hash_.pairs if not isinstance(pair.value, ast.UndefinedLiteral)]


def _argument_node(node: Any) -> ast.PathExpression | None:
    """The path of a helper argument, for missing-variable records and bare words."""
    return node if isinstance(node, ast.PathExpression) else None


def _path_name(path: Any) -> str:
    if isinstance(path, ast.PathExpression):
        return path.original
    if isinstance(path, ast.SubExpression):
        return "(…)"
    return str(getattr(path, "original", ""))


def _literal_path(node: Any) -> ast.PathExpression:
    """handlebars.js treats ``{{"name"}}`` / ``{{1}}`` as a lookup of that key."""
    text = node.original if not isinstance(node, ast.NumberLiteral) else property_name(node.value)
    return ast.PathExpression(node.line, node.column, text, text, (text,))


_KNOWN_HELPERS = frozenset({"if", "unless", "each", "with", "lookup", "log"})


def _helper_name(path: Any, compiler: _Compiler) -> str | None:
    """The helper name a call's path stands for, or None when it cannot name a helper
    (a scoped path such as ``this.x``/``../x``, several segments, ``@data``, a block
    parameter)."""
    if isinstance(path, ast.PathExpression):
        if path.data and not path.depth and path.parts and path.parts[0] in _KNOWN_HELPERS \
                and len(path.parts) == 1:
            return path.parts[0]  # handlebars.js calls its own helpers even as {{@if …}}
        if path.data or path.this or path.depth or len(path.parts) != 1:
            return None
        if compiler.block_param(path) is not None:
            return None
        return path.parts[0]
    if isinstance(path, ast.SubExpression):
        return None
    return path.original if not isinstance(path, ast.NumberLiteral) else property_name(path.value)


def _make_program(items: list[Any], decorators: list[Any]) -> Getter:
    if not decorators:
        if not items:
            return _EMPTY
        if len(items) == 1:
            item = items[0]
            if isinstance(item, str):
                return lambda r, ctx, depths, data, bps: item
            return item

        def run(r, ctx, depths, data, bps):
            out: list[str] = []
            append = out.append
            for item in items:
                if item.__class__ is str:
                    append(item)
                else:
                    append(item(r, ctx, depths, data, bps))
            return "".join(out)
        return run
    inner = _make_program(items, [])

    def run_with_inline_partials(r, ctx, depths, data, bps):
        defined = {}
        for define in decorators:
            name, partial = define(r, ctx, depths, data, bps)
            defined[name] = partial
        saved = r.partials
        r.partials = {**saved, **defined}
        try:
            return inner(r, ctx, depths, data, bps)
        finally:
            r.partials = saved
    return run_with_inline_partials


def _program_caller(prog: Getter | None, declares: bool, r: _Render, ctx: Any, depths: Any,
                    data: dict, bps: Any) -> Callable[..., str]:
    """The ``fn``/``inverse`` a block helper receives."""
    if prog is None or prog is _EMPTY:
        return _noop

    outer = data

    def fn(context: Any = ctx, data: Mapping[str, Any] | None = None,
           block_params: Any = None) -> str:
        count_run(r)
        frame = outer if not data else _frame(outer, data)
        new_bps = (tuple(block_params) if block_params is not None else None, bps) if declares else bps
        return prog(r, context, _push(context, depths), frame, new_bps)
    return fn


def _noop(*args: Any, **kwargs: Any) -> str:
    return ""


def _invoke(r: _Render, node: Any, spec: HelperSpec, call: HelperCall) -> Any:
    try:
        return spec.fn(call)
    except RenderError:
        raise
    except TooManyRuns:
        raise _error(r, node, TOO_MANY_RUNS, TOO_MANY_RUNS_HINT) from None
    except HelperError as exc:
        raise _error(r, node, f"{spec.name}: {exc}",
                     f"check the arguments of {spec.name}") from None
    except RecursionError:
        raise
    except Exception as exc:  # a helper bug must not escape as a traceback
        raise _error(r, node, f"helper {spec.name} failed: {type(exc).__name__}: {exc}",
                     "this looks like a bug in the helper; please report it") from exc


def _section(r: _Render, node: Any, value: Any, record_node: Any, fn_prog: Getter | None,
             inv_prog: Getter | None, declares: bool, ctx: Any, depths: Any, data: dict,
             bps: Any) -> str:
    """handlebars.js ``blockHelperMissing``: a block whose name is not a helper."""
    if value is True:
        return fn_prog(r, ctx, depths, data, _bp(declares, None, bps)) if fn_prog else ""
    if value is False or value is None or value is UNDEFINED:
        if value is not False and record_node is not None:
            r.record(record_node, True)
        return inv_prog(r, ctx, depths, data, bps) if inv_prog else ""
    if isinstance(value, list):
        if not value:
            return inv_prog(r, ctx, depths, data, bps) if inv_prog else ""
        each = r.helpers.get("each")
        if each is None:
            from toolkit.handlebars.builtins import BUILTIN_HELPERS
            each = BUILTIN_HELPERS["each"]
        call = HelperCall("each", (value,), {}, ctx, r.env, True, data=data,
                          line=node.line, column=node.column)
        call.fn = _program_caller(fn_prog, declares, r, ctx, depths, data, bps)
        call.inverse = _program_caller(inv_prog, False, r, ctx, depths, data, bps)
        result = _invoke(r, node, each, call)
        return result if result.__class__ is str else r.print(r, result)
    if fn_prog is None:
        return ""
    return fn_prog(r, value, _push(value, depths), data, _bp(declares, None, bps))


def _bp(declares: bool, values: tuple | None, bps: Any) -> Any:
    return (values, bps) if declares else bps


def _extend(context: Any, hash_values: dict[str, Any]) -> dict[str, Any]:
    """handlebars.js ``Utils.extend({}, context, hash)`` for a partial's context."""
    base: dict[str, Any] = {}
    if isinstance(context, Mapping):
        base.update(context)
    elif isinstance(context, (list, str)):
        base.update((str(i), v) for i, v in enumerate(context))
    base.update(hash_values)
    return base


class _Inline:
    """An inline partial: its body and the scope it was defined in."""

    __slots__ = ("body", "depths", "bps")

    def __init__(self, body: Getter, depths: Any, bps: Any) -> None:
        self.body = body
        self.depths = depths
        self.bps = bps


class _PartialBlock:
    """``@partial-block``: the content of ``{{#> name}}…{{/name}}``."""

    __slots__ = ("body", "depths", "bps", "outer")

    def __init__(self, body: Getter, depths: Any, bps: Any, outer: Any) -> None:
        self.body = body
        self.depths = depths
        self.bps = bps
        self.outer = outer


def _find_partial(r: _Render, name: str) -> Any:
    partial = r.partials.get(name)
    if partial is not None:
        return partial
    if name in r.parsed:
        return r.parsed[name]
    source = r.sources.get(name)
    if source is None:
        return None
    from toolkit.handlebars.parser import parse
    program = parse(source, path=f"partial {name}")
    if r.env.flavour == "java":
        from toolkit.handlebars.java import check_java_syntax
        check_java_syntax(program)
    compiled = (compile_program(program, r.env.flavour), f"partial {name}")
    r.parsed[name] = compiled
    return compiled


def _call_partial(r: _Render, node: Any, partial: Any, ctx: Any, depths: Any, data: dict) -> str:
    if isinstance(partial, tuple):  # a registered partial: (compiled, source name)
        body, source = partial
        saved = r.source
        r.source = source
        try:
            return body(r, ctx, (ctx, None), data, None)
        finally:
            r.source = saved
    if isinstance(partial, _Inline):
        return partial.body(r, ctx, _push(ctx, partial.depths), data, partial.bps)
    if isinstance(partial, _PartialBlock):
        frame = _frame(data, {"partial-block": partial.outer})
        return partial.body(r, ctx, _push(ctx, partial.depths), frame, partial.bps)
    raise _error(r, node, "the partial could not be rendered")  # pragma: no cover


def compile_program(program: ast.Program, flavour: str = "js") -> Getter:
    """The closure that renders ``program`` in ``flavour`` (``RenderEnv.flavour``), compiled
    on first use and kept as long as the Program object lives (the closures hold the nodes,
    never the Program itself)."""
    key = (id(program), flavour)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is program:
        return cached[1]
    if flavour == "java":
        from toolkit.handlebars.java import JavaCompiler
        compiler: _Compiler = JavaCompiler(program)
    else:
        compiler = _Compiler()
    with no_gc():
        compiled = compiler.program(program) or _EMPTY
    _CACHE[key] = (weakref.ref(program, functools.partial(_uncache, key)), compiled)
    return compiled


def _uncache(key: tuple[int, str], _ref: weakref.ref) -> None:
    """Forget the compiled closures of a Program that no longer exists."""
    _CACHE.pop(key, None)


_CACHE: dict[tuple[int, str], tuple[weakref.ref, Getter]] = {}
_DEFAULT_ENV = RenderEnv()


def default_helpers() -> Mapping[str, HelperSpec]:
    """The helper set of a :class:`RenderEnv` whose ``helpers`` is None: the Pinpoint set
    (``toolkit.handlebars.helpers``)."""
    from toolkit.handlebars.helpers import PINPOINT_HELPERS

    return PINPOINT_HELPERS


def ensure_recursion_limit() -> None:
    """Deeply nested templates recurse once per level; make room for thousands of levels."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


ensure_recursion_limit()


def render(program: ast.Program | str, context: Any, *,
           helpers: Mapping[str, HelperSpec] | None = None, env: RenderEnv | None = None,
           partials: Mapping[str, str] | None = None) -> RenderResult:
    """Render a parsed template (or template text) with ``context`` (the fixture data) and
    the settings of ``env`` (:class:`RenderEnv`; ``helpers`` given here wins over
    ``env.helpers``). Unknown helpers, missing partials and helper errors raise RenderError with the
    line:column of the call."""
    ensure_recursion_limit()
    if isinstance(program, str):
        from toolkit.handlebars.parser import parse
        program = parse(program)
    env = env or _DEFAULT_ENV
    if helpers is None:
        helpers = env.helpers if env.helpers is not None else default_helpers()
    r = _Render(helpers, env, partials or {})
    try:
        body = compile_program(program, env.flavour)
        depths: Any  # the default flavour's (context, parent) chain, or a java Scope
        if env.flavour == "java":
            from toolkit.handlebars.java import start
            ctx, depths, data = start(r, program, context)
        else:
            ctx, depths, data = context, (context, None), {"root": context}
        with no_gc():
            text = body(r, ctx, depths, data, None)
    except RecursionError:
        raise RenderError("the template nests too deeply to render: blocks nested thousands "
                          "of levels deep, or a partial that includes itself",
                          "flatten the nesting or stop the partial from including itself",
                          path=program.path) from None
    except TooManyRuns:  # no block helper call site on the way (handlebars.java sections)
        raise RenderError(TOO_MANY_RUNS, TOO_MANY_RUNS_HINT, path=program.path) from None
    return RenderResult(text, tuple(r.missing.values()), tuple(r.outer.values()))
