"""What lint rules need from a Handlebars AST: helper calls and variable uses, with scope.

A *use* is a path expression in a mustache, a helper argument, a hash value or a block's
subject. ``root`` gives its parts from the top of the context (``User.UserAttributes.X``)
when it can be known statically: not inside ``#each``/``#with``/a context section (there a
bare path is relative to the current item), unless it climbs out with ``../`` or starts
with ``@root``. Block parameters (``as |item|``) and ``this`` are local.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

CONTEXT_HELPERS = frozenset({"each", "with"})  # helpers whose block changes ``this``

Role = Literal["print", "param", "hash", "subject"]


@dataclass(frozen=True)
class Call:
    """A helper call (or something that looks like one): mustache with params or hash,
    block, or sub-expression."""

    name: str
    node: Any
    params: tuple[Any, ...]
    hash_keys: tuple[str, ...]
    kind: Literal["inline", "block", "subexpression"]
    context_section: bool  # a block without params whose name is no helper: {{#User}}


@dataclass(frozen=True)
class Use:
    node: Any  # the PathExpression
    role: Role
    helper: str | None  # the helper the path is given to (None when printed)
    root: tuple[str, ...] | None  # parts from the top of the context, None when relative
    triple: bool = False  # printed unescaped


def kind(node: Any) -> str:
    return type(node).__name__


def path_name(node: Any) -> str | None:
    """The helper/variable name of a call's path (``original`` of a PathExpression)."""
    if kind(node) == "PathExpression":
        return str(getattr(node, "original", ""))
    return None


def path_parts(node: Any) -> tuple[str, ...]:
    return tuple(str(p) for p in (getattr(node, "parts", None) or ()))


def walk_program(program: Any, helpers: Mapping[str, Any]) -> tuple[list[Call], list[Use]]:
    """Every helper call and every variable use in a parsed part."""
    calls: list[Call] = []
    uses: list[Use] = []
    _Walker(helpers, calls, uses).statements(getattr(program, "body", ()), 0, frozenset())
    return calls, uses


class _Walker:
    def __init__(self, helpers: Mapping[str, Any], calls: list[Call], uses: list[Use]) -> None:
        self.helpers = helpers
        self.calls = calls
        self.uses = uses

    def statements(self, body: Any, depth: int, locals_: frozenset[str]) -> None:
        for node in body or ():
            self.statement(node, depth, locals_)

    def statement(self, node: Any, depth: int, locals_: frozenset[str]) -> None:
        k = kind(node)
        if k == "MustacheStatement":
            self.call_or_print(node, depth, locals_)
        elif k == "BlockStatement":
            self.block(node, depth, locals_)
        elif k in ("PartialStatement", "PartialBlockStatement"):
            for param in getattr(node, "params", ()) or ():
                self.expression(param, "param", ">", depth, locals_)
            self.hash(node, ">", depth, locals_)
            self.program(getattr(node, "program", None), depth, locals_)
        elif k in ("DecoratorBlock", "DecoratorBlockStatement"):
            self.program(getattr(node, "program", None), depth, locals_)

    def program(self, program: Any, depth: int, locals_: frozenset[str]) -> None:
        if program is not None:
            self.statements(getattr(program, "body", ()), depth, locals_)

    def hash(self, node: Any, helper: str | None, depth: int, locals_: frozenset[str]) -> None:
        h = getattr(node, "hash", None)
        for pair in getattr(h, "pairs", ()) or ():
            self.expression(pair.value, "hash", helper, depth, locals_)

    def hash_keys(self, node: Any) -> tuple[str, ...]:
        h = getattr(node, "hash", None)
        return tuple(str(pair.key) for pair in getattr(h, "pairs", ()) or ())

    def call_or_print(self, node: Any, depth: int, locals_: frozenset[str]) -> None:
        path = node.path
        params = tuple(getattr(node, "params", ()) or ())
        keys = self.hash_keys(node)
        name = path_name(path)
        if name is None:  # a literal in mustache position, e.g. {{"text"}}
            return
        simple = len(path_parts(path)) == 1 and not getattr(path, "data", False)
        if params or keys or (simple and name in self.helpers):
            self.calls.append(Call(name, node, params, keys, "inline", False))
            for param in params:
                self.expression(param, "param", name, depth, locals_)
            self.hash(node, name, depth, locals_)
        else:
            triple = not getattr(node, "escaped", True)
            self.uses.append(Use(path, "print", None, self.root(path, depth, locals_), triple))

    def block(self, node: Any, depth: int, locals_: frozenset[str]) -> None:
        path = node.path
        name = path_name(path) or ""
        params = tuple(getattr(node, "params", ()) or ())
        keys = self.hash_keys(node)
        is_helper = name in self.helpers or bool(params) or bool(keys)
        block_params = frozenset(str(p) for p in getattr(node, "block_params", ()) or ())
        if is_helper:
            self.calls.append(Call(name, node, params, keys, "block", False))
            for param in params:
                self.expression(param, "subject" if name in CONTEXT_HELPERS else "param", name,
                                depth, locals_)
            self.hash(node, name, depth, locals_)
            inner = depth + 1 if name in CONTEXT_HELPERS else depth
        else:
            self.calls.append(Call(name, node, params, keys, "block", True))
            self.uses.append(Use(path, "subject", "#section", self.root(path, depth, locals_)))
            inner = depth + 1
        self.program(getattr(node, "program", None), inner, locals_ | block_params)
        self.program(getattr(node, "inverse", None), depth, locals_)

    def expression(self, node: Any, role: Role, helper: str | None, depth: int,
                   locals_: frozenset[str]) -> None:
        k = kind(node)
        if k == "PathExpression":
            self.uses.append(Use(node, role, helper, self.root(node, depth, locals_)))
        elif k == "SubExpression":
            name = path_name(node.path) or ""
            params = tuple(getattr(node, "params", ()) or ())
            self.calls.append(Call(name, node, params, self.hash_keys(node), "subexpression",
                                   False))
            for param in params:
                self.expression(param, "param", name, depth, locals_)
            self.hash(node, name, depth, locals_)

    @staticmethod
    def root(path: Any, depth: int, locals_: frozenset[str]) -> tuple[str, ...] | None:
        parts = path_parts(path)
        if getattr(path, "data", False):
            if parts and parts[0] == "root":
                return parts[1:] or None
            return None
        climb = int(getattr(path, "depth", 0) or 0)
        if not parts or (getattr(path, "this", False) and climb == 0):
            return None  # this, this.x, ./x: the current context
        if climb == 0 and parts[0] in locals_:
            return None  # a block parameter
        if climb < depth:
            return None  # relative to an #each/#with item
        return parts


def resolve(context: Any, parts: tuple[str, ...]) -> Any:
    """The value at ``parts`` in a render context (``[0]``-style indexes accepted), or None."""
    value = context
    for raw in parts:
        part = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, (list, tuple)) and part.isdigit():
            index = int(part)
            value = value[index] if index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


def resolve_layers(layers: Sequence[Any], parts: tuple[str, ...]) -> Any:
    """``resolve(merge_layers(layers), parts)`` without building the merged context.

    ``layers`` go lowest precedence first, as for ``toolkit.dialects.context.merge_layers``:
    objects merge key by key, anything else replaces what is below. So at each step the
    value is the highest layer's, and when that is an object, it merges with the objects
    below it down to the first value that is not one."""
    from toolkit.dialects.context import merge_layers

    nodes = list(reversed(layers))  # highest first; all objects, or one other value
    for raw in parts:
        part = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
        found: list[Any] = []
        for node in nodes:
            kind_ = type(node)
            if kind_ is dict or (kind_ is not list and isinstance(node, Mapping)):
                if part not in node:
                    continue
                value = node[part]
            elif isinstance(node, (list, tuple)) and part.isdigit():
                index = int(part)
                if index >= len(node):
                    continue
                value = node[index]
            else:
                continue
            if value is None and not found:
                return None
            if type(value) is not dict and not isinstance(value, Mapping):
                if not found:
                    found = [value]
                break
            found.append(value)
        if not found:
            return None
        nodes = found
    if len(nodes) > 1:
        return merge_layers([dict(n) for n in reversed(nodes)])
    return nodes[0] if nodes else None


def position(node: Any) -> tuple[int, int]:
    return int(getattr(node, "line", 1) or 1), int(getattr(node, "column", 1) or 1)
