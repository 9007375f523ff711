"""Parser: tokens -> :mod:`toolkit.handlebars.ast`, with handlebars.js 4.7 whitespace rules.

Statements are parsed with an explicit stack of open blocks (no recursion), so a template
may nest blocks as deeply as it likes. Expressions (``(sub (expressions))``) recurse, with
a depth limit that gives a syntax error instead of a RecursionError.

Whitespace control (``{{~x~}}``) and standalone lines (a line holding only a block tag,
``{{else}}``, a comment or a partial is removed with its line break) follow handlebars.js's
``WhitespaceControl`` step by step; a block's own rules run when it closes, the rules of a
statement list when its enclosing block closes, which gives the same result as the
handlebars.js tree walk because each step only touches its own neighbours.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from typing import Any

from toolkit.handlebars import ast
from toolkit.handlebars.lexer import WS, HandlebarsSyntaxError, Positions, Token, tokenize

MAX_EXPRESSION_DEPTH = 200

_SEPARATORS = re.compile(r"[./]")
_SCOPED = re.compile(r"^\.|this(?![A-Za-z0-9_])")
# JavaScript's \s as a string, for str.strip
JS_WHITESPACE = ("\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200b)))
                 + "\u2028\u2029\u202f\u205f\u3000\ufeff")
_LEAD_ALL = re.compile(rf"^[{WS}]+")
_LEAD_LINE = re.compile(r"^[ \t]*\r?\n?")
_TRAIL_ALL = re.compile(rf"[{WS}]+\Z")
_TRAIL_LINE = re.compile(r"[ \t]+\Z")
_INDENT = re.compile(r"([ \t]+)\Z")
# Java's Character.isWhitespace (what handlebars.java's ~ strips): no non-breaking spaces
# (U+00A0, U+2007, U+202F), but the separators U+001C-U+001F
JAVA_WHITESPACE = ("\t\n\v\f\r\x1c\x1d\x1e\x1f \u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                   "\u2006\u2008\u2009\u200a\u2028\u2029\u205f\u3000")
# A character handlebars.java's lexer does not accept in a name outside [brackets]
_JAVA_NAME = re.compile("[A-Za-z_$@:\u0001-\u0008\u000b\u000c\u000e-\u001e\u00c0-\u00ff"
                        "\u0410-\u044f][A-Za-z0-9_$@:./\\-\u0001-\u0008\u000b\u000c"
                        "\u000e-\u001e\u00c0-\u00ff\u0410-\u044f]*")
# anything check_java_name may object to: one search for the common, clean case
_JAVA_SUSPECT = re.compile("^[0-9-]|\\[\\]|[^A-Za-z0-9_$@:./\\-\u0001-\u0008\u000b\u000c"
                           "\u000e-\u001e\u00c0-\u00ff\u0410-\u044f]")
_JAVA_NAME_BAD = re.compile("[^A-Za-z0-9_$@:./\\-\u0001-\u0008\u000b\u000c\u000e-\u001e"
                            "\u00c0-\u00ff\u0410-\u044f]")

_PARAM_START = {"ID", "DATA", "STRING", "NUMBER", "BOOLEAN", "UNDEFINED", "NULL", "OPEN_SEXPR"}
_NICE = {
    "CLOSE": "}}", "CLOSE_UNESCAPED": "}}}", "CLOSE_RAW_BLOCK": "}}}}", "CLOSE_SEXPR": ")",
    "OPEN_SEXPR": "(", "EQUALS": "=", "SEP": "a path separator", "EOF": "the end of the template",
    "OPEN_BLOCK_PARAMS": "as |", "CLOSE_BLOCK_PARAMS": "|", "INVALID": "an invalid character",
    "DATA": "@", "ID": "a name", "STRING": "a string", "NUMBER": "a number",
    "BOOLEAN": "a boolean", "NULL": "null", "UNDEFINED": "undefined",
}


def _describe(token: Token) -> str:
    if token.kind == "EOF":
        return "the end of the template"
    text = token.raw if len(token.raw) <= 20 else token.raw[:17] + "..."
    return f"{text!r}"


@dataclass
class _Strip:
    open: bool = False
    close: bool = False
    open_standalone: bool = False
    close_standalone: bool = False
    inline_standalone: bool = False


def _flags(open_raw: str, close_raw: str) -> tuple[bool, bool]:
    return (len(open_raw) > 2 and open_raw[2] == "~",
            len(close_raw) >= 3 and close_raw[-3] == "~")


@dataclass
class _Open:
    """An opening tag: ``{{#x …}}``, ``{{^x}}``, ``{{else if …}}``, ``{{#> x}}``, ``{{else}}``."""

    kind: str  # block, inverse, chain, partial_block, decorator, else
    path: Any = None
    params: tuple = ()
    hash: Any = None
    block_params: tuple[str, ...] = ()
    strip: tuple[bool, bool] = (False, False)
    line: int = 0
    column: int = 0
    tag: str = ""


@dataclass
class _Section:
    opener: _Open
    body: list = field(default_factory=list)
    strips: list = field(default_factory=list)


@dataclass
class _Frame:
    opener: _Open
    sections: list[_Section]


class _Parser:
    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self.pos = Positions(text)
        self.tokens = tokenize(text, path, self.pos)
        self.last = len(self.tokens) - 1
        self.tokens.extend([self.tokens[-1]] * 4)  # peek() past the end sees EOF
        self.i = 0
        self.right_stripped: dict[int, bool] = {}
        self.left_stripped: dict[int, bool] = {}
        self.depth = 0
        self.tag_start: Token | None = None  # the {{ of the tag being parsed
        # handlebars.java's whitespace control works on neighbouring tokens only: a tag's
        # {{~ strips the end of the text token just before it, its ~}} the start of the text
        # token just after it (ContentStatement.java_value); standalone lines are kept.
        self.java_prev: ast.ContentStatement | None = None
        self.java_strip_next = False
        self.java_rejects: list[ast.JavaRejected] = []

    # --- errors and tokens -------------------------------------------------------------
    def error(self, token_or_pos: Token | int, description: str, hint: str) -> HandlebarsSyntaxError:
        at = token_or_pos.pos if isinstance(token_or_pos, Token) else token_or_pos
        if isinstance(token_or_pos, Token) and token_or_pos.kind in ("INVALID", "EOF"):
            description, hint = self.explain(token_or_pos, description, hint)
        line, column = self.pos(at)
        return HandlebarsSyntaxError(description, line=line, column=column, path=self.path, hint=hint)

    def explain(self, token: Token, description: str, hint: str) -> tuple[str, str]:
        """Clearer words for the usual causes of an unexpected character inside a tag."""
        tag = self.tag_start
        if tag is not None and "}}" not in self.text[tag.pos:]:
            line, column = self.loc(tag)
            return (f"the tag {tag.raw.strip()} opened at line {line}:{column} is never closed",
                    "close it with }}")
        if token.text in ('"', "'"):
            return ("this string is never closed", f"end it with {token.text}")
        if token.text in ("#", "/", "^", ">", "!", "&", "*") and tag is not None \
                and self.text[tag.pos + len(tag.raw):token.pos].strip(JS_WHITESPACE) == "":
            return (f"'{token.text}' must follow {{{{ directly",
                    f"remove the space: {{{{{token.text}…}}}}")
        if token.text == "}":
            return ("a single } cannot close a tag", "close the tag with }}")
        return description, hint

    def loc(self, token: Token) -> tuple[int, int]:
        return self.pos(token.pos)

    def peek(self, k: int = 0) -> Token:
        return self.tokens[self.i + k]

    def next(self) -> Token:
        token = self.tokens[self.i]
        if self.i < self.last:
            self.i += 1
        return token

    def expect(self, kind: str, what: str, hint: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise self.error(token, f"expected {what}, found {_describe(token)}", hint)
        return self.next()

    # --- expressions -------------------------------------------------------------------
    def path_expression(self, data_token: Token | None) -> ast.PathExpression:
        first = self.peek()
        start = data_token or first
        if data_token is None and first.kind == "ID" and self.peek(1).kind != "SEP":
            text = first.text
            if text not in ("..", ".", "this") and text[0] != "[":  # the common case: {{name}}
                self.i += 1
                line, column = self.loc(first)
                if _JAVA_SUSPECT.search(text):
                    self.check_java_name(text, line, column)
                scoped = bool(_SCOPED.search(text))
                return ast.PathExpression(line, column, text, text, (text,), False, 0, scoped, True)
        if first.kind != "ID":
            raise self.error(first, f"expected a name, found {_describe(first)}",
                             "a path is made of names separated by . or /")
        segments: list[tuple[str, str, str]] = []  # (part, token text, separator)
        separator = ""
        spaced = False  # whitespace inside the path ({{upper .name}} reads as upper.name)
        while True:
            token = self.expect("ID", "a name after the separator",
                                "a path cannot end with . or /, and a segment that is a number "
                                "or true/false needs brackets: items.[0]")
            text = token.text
            part = text[1:-1] if len(text) >= 2 and text[0] == "[" and text[-1] == "]" else text
            segments.append((part, text, separator))
            if self.peek().kind != "SEP":
                break
            sep = self.next()
            spaced = spaced or sep.pos != token.pos + len(token.raw) or \
                self.peek().pos != sep.pos + 1
            separator = sep.text
        data = data_token is not None
        original = "@" if data else ""
        parts: list[str] = []
        depth = 0
        literal = False
        for part, text, joiner in segments:
            is_literal = text != part
            literal = literal or is_literal
            original += joiner + part
            if not is_literal and part in ("..", ".", "this"):
                if parts:
                    raise self.error(start, f"invalid path: {original}",
                                     "'..', '.' and 'this' may only start a path")
                if part == "..":
                    depth += 1
            else:
                parts.append(part)
        line, column = self.loc(start)
        written = ("@" if data else "") + "".join(sep + text for _, text, sep in segments)
        self.check_java_name("".join(sep + (text if text == part else "")
                                     for part, text, sep in segments), line, column, written)
        if spaced:
            self.java_reject(line, column, self.text[start.pos:self.peek().pos].rstrip(),
                             "handlebars.java does not accept a space inside a path",
                             f"{written} (how ptk and handlebars.js read it; an argument "
                             "is written ./name)")
        elif data and written.endswith(".."):
            self.java_reject(line, column, written,
                             "handlebars.java fails on an @ path that ends with ..",
                             written[1:] if written != "@.." else "..")
        scoped = bool(_SCOPED.search(original))
        bare = (not data and depth == 0 and not literal and bool(parts)
                and len(parts) == len(segments)
                and all(sep in ("", "/") for _, _, sep in segments))
        return ast.PathExpression(line, column, original, parts[0] if parts else None,
                                  tuple(parts), data, depth, scoped, bare,
                                  written if written != original else "")

    def simple_path(self, token: Token) -> ast.PathExpression:
        """The path of a SIMPLE/SIMPLE_END token (``{{a.b}}``, ``{{/a}}``): plain segments."""
        text = token.text
        raw = token.raw
        offset = 2 if raw[2] not in "~/ \t\n\r" else raw.index(text, 2)
        line, column = self.pos(token.pos + offset)
        # a simple path holds ID characters only; of those, handlebars.java rejects '?',
        # non-ASCII ones outside its ranges, and a leading digit or '-'
        if not text.isascii() or not text.isprintable() or "?" in text or text[0] in "0123456789-":
            self.check_java_name(text, line, column)
        if "." not in text and "/" not in text:
            return ast.PathExpression(line, column, text, text, (text,), False, 0,
                                      "this" in text and bool(_SCOPED.search(text)), True)
        parts = tuple(_SEPARATORS.split(text))
        return ast.PathExpression(line, column, text, parts[0], parts, False, 0,
                                  bool(_SCOPED.search(text)), "." not in text)

    def check_java_name(self, text: str, line: int, column: int, original: str | None = None
                        ) -> None:
        """Record a name handlebars.java's lexer rejects: a character it does not accept
        outside brackets (``q?``, ``Imię``), a first character that is a digit or ``-``
        (``1.a``), an empty ``[]``. Written in brackets, such a segment works in both
        engines."""
        original = original or text
        bad = _JAVA_NAME_BAD.search(text)
        if bad is not None:
            reason = f"handlebars.java does not accept {bad.group()!r} in a name"
        elif original[:1].isdigit() or original[:1] == "-":
            reason = "handlebars.java does not accept a name that starts with a digit or '-'"
        elif "[]" in original:
            reason = "handlebars.java does not accept an empty [] segment"
        else:
            return
        self.java_reject(line, column, original, reason, java_name(original))

    def java_reject(self, line: int, column: int, text: str, reason: str, portable: str) -> None:
        self.java_rejects.append(ast.JavaRejected(line, column, text, reason, portable))

    def java_tag(self, strip_left: bool, strip_right: bool) -> None:
        """A tag was read: apply the ``~`` that handlebars.java honours on it to the
        neighbouring text tokens (``strip_left``: the text just before, ``strip_right``:
        the text just after)."""
        prev = self.java_prev
        if strip_left and prev is not None:
            java = prev.java_value if prev.java_value is not None else prev.original
            object.__setattr__(prev, "java_value", java.rstrip(JAVA_WHITESPACE))
        self.java_prev = None
        self.java_strip_next = strip_right

    def content(self, token: Token) -> ast.ContentStatement:
        line, column = self.pos(token.pos)
        text = token.text
        node = ast.ContentStatement(line, column, text, text)
        if self.java_strip_next:
            object.__setattr__(node, "java_value", text.lstrip(JAVA_WHITESPACE))
            self.java_strip_next = False
        self.java_prev = node
        if text[:2] == "{{" and token.pos and self.text[token.pos - 1] == "\\":
            self.java_escape(token)
        return node

    def java_escape(self, token: Token) -> None:
        """An escaped mustache (``\\{{x}}``): handlebars.java rejects ``\\{{{x}}}`` and a
        ``\\{{`` that is never closed."""
        text = token.text
        line, column = self.pos(token.pos - 1)
        if text.startswith("{{{"):
            close = text.find("}}}")
            inner = text[3:close] if close >= 0 else text[3:]
            self.java_reject(line, column, "\\{{{" + inner + "}}}",
                             "handlebars.java does not accept an escaped triple mustache",
                             "\\{{ {" + inner + "}}} (prints a space after the braces), or "
                             "&#123;&#123;&#123;" + inner + "}}} in HTML")
        elif "}}" not in text:
            self.java_reject(line, column, "\\" + text.rstrip("\n"),
                             "handlebars.java does not accept a \\{{ that is never closed",
                             "&#123;&#123; in HTML; in text, no {{ that is not a tag")

    def helper_name(self) -> Any:
        token = self.peek()
        kind = token.kind
        if kind == "ID":
            return self.path_expression(None)
        if kind == "DATA":
            self.next()
            return self.path_expression(token)
        line, column = self.loc(token)
        if kind == "STRING":
            self.next()
            return ast.StringLiteral(line, column, token.text, token.text)
        if kind == "NUMBER":
            self.next()
            text = token.text
            value: int | float = float(text) if "." in text else int(text)
            if value == 0 and text.startswith("-"):
                value = -0.0
            return ast.NumberLiteral(line, column, value, text)
        if kind == "BOOLEAN":
            self.next()
            return ast.BooleanLiteral(line, column, token.text == "true", token.text)
        if kind == "UNDEFINED":
            self.next()
            return ast.UndefinedLiteral(line, column)
        if kind == "NULL":
            self.next()
            return ast.NullLiteral(line, column)
        raise self.error(token, f"expected a name or a value, found {_describe(token)}",
                         "write a helper or variable name, e.g. {{name}}")

    def param(self) -> Any:
        if self.peek().kind == "OPEN_SEXPR":
            return self.sub_expression()
        return self.helper_name()

    def sub_expression(self) -> ast.SubExpression:
        open_token = self.next()
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            raise self.error(open_token, "subexpressions are nested too deeply",
                             f"nest at most {MAX_EXPRESSION_DEPTH} levels of ( )")
        if self.peek().kind == "OPEN_SEXPR":
            raise self.error(self.peek(), "a subexpression must start with a helper name",
                             "write (helper arg …), not ((…))")
        path = self.helper_name()
        params, hash_ = self.params_and_hash()
        self.expect("CLOSE_SEXPR", "')' to close the subexpression",
                    "every ( needs a matching )")
        self.depth -= 1
        line, column = self.loc(open_token)
        return ast.SubExpression(line, column, path, params, hash_)

    def params_and_hash(self) -> tuple[tuple, ast.Hash | None]:
        params: list[Any] = []
        pairs: list[ast.HashPair] = []
        while True:
            token = self.peek()
            if token.kind not in _PARAM_START:
                break
            if token.kind == "ID" and self.peek(1).kind == "EQUALS":
                key = token.text
                if len(key) >= 2 and key[0] == "[" and key[-1] == "]":
                    key = key[1:-1]
                self.next()
                self.next()
                if self.peek().kind not in _PARAM_START:
                    raise self.error(self.peek(), f"expected a value after {key}=, found "
                                     f"{_describe(self.peek())}", f'write {key}="value"')
                line, column = self.loc(token)
                pairs.append(ast.HashPair(line, column, key, self.param()))
                continue
            if pairs:
                raise self.error(token, f"expected key=value after the hash arguments, found "
                                 f"{_describe(token)}",
                                 "positional arguments must come before key=value arguments")
            params.append(self.param())
        hash_ = None
        if pairs:
            hash_ = ast.Hash(pairs[0].line, pairs[0].column, tuple(pairs))
        return tuple(params), hash_

    def block_params(self) -> tuple[str, ...]:
        if self.peek().kind != "OPEN_BLOCK_PARAMS":
            return ()
        self.next()
        names: list[str] = []
        while self.peek().kind == "ID":
            names.append(self.next().text)
        if not names:
            raise self.error(self.peek(), "expected block parameter names after 'as |'",
                             "write as |item index|")
        self.expect("CLOSE_BLOCK_PARAMS", "'|' to close the block parameters",
                    f"write as |{' '.join(names)}|")
        return tuple(names)

    def close(self, kind: str, opening: Token) -> Token:
        token = self.peek()
        if token.kind != kind:
            want = _NICE[kind]
            if token.kind in ("CLOSE", "CLOSE_UNESCAPED") or token.kind == "EOF":
                raise self.error(token, f"expected {want} to close the tag opened with "
                                 f"{opening.raw}, found {_describe(token)}",
                                 f"close {opening.raw} with {want}")
            raise self.error(token, f"unexpected {_describe(token)} in {opening.raw}…{want}",
                             "arguments are names, \"strings\", numbers, true/false/null, "
                             "(subexpressions) or key=value")
        return self.next()

    # --- statements --------------------------------------------------------------------
    def parse(self) -> ast.Program:
        root = _Section(_Open("root"))
        stack: list[_Frame] = []
        section = root
        while True:
            token = self.next()
            kind = token.kind
            self.tag_start = token
            if kind == "CONTENT":
                section.body.append(self.content(token))
                section.strips.append(None)
            elif kind == "SIMPLE":
                line, column = self.loc(token)
                path = self.simple_path(token)
                section.body.append(ast.MustacheStatement(line, column, path, (), None, True))
                flags = _flags(token.raw, token.raw)
                section.strips.append(_Strip(*flags))
                if flags[0] or flags[1]:
                    self.java_tag(*flags)
                else:
                    self.java_prev = None
                    self.java_strip_next = False
            elif kind in ("OPEN", "OPEN_UNESCAPED"):
                self.mustache(token, section)
                self.java_tag(*_flags(token.raw, self.tokens[self.i - 1].raw))
            elif kind == "COMMENT":
                line, column = self.loc(token)
                value = re.sub(r"-?-?~?\}\}\Z", "", re.sub(r"^\{\{~?!-?-?", "", token.raw))
                section.body.append(ast.CommentStatement(line, column, value))
                open_, close_ = _flags(token.raw, token.raw)
                section.strips.append(_Strip(open=open_, close=close_, inline_standalone=True))
                if open_:
                    self.java_reject(line, column, token.raw,
                                     "handlebars.java does not accept ~ before ! in a comment",
                                     token.raw.replace("~", "", 1) + " (a ~ next to a comment "
                                     "is not portable: remove the whitespace around it)")
                self.java_tag(False, False)  # handlebars.java ignores ~ on a comment
            elif kind == "OPEN_PARTIAL":
                self.partial(token, section)
                self.java_tag(*_flags(token.raw, self.tokens[self.i - 1].raw))
            elif kind in ("OPEN_BLOCK", "OPEN_INVERSE", "OPEN_PARTIAL_BLOCK"):
                opener = self.open_tag(token)
                # handlebars.java ignores ~ on {{#> partial blocks}}
                self.java_tag(*(opener.strip if opener.kind != "partial_block"
                                else (False, False)))
                frame = _Frame(opener, [_Section(opener)])
                stack.append(frame)
                section = frame.sections[0]
            elif kind in ("OPEN_INVERSE_CHAIN", "INVERSE"):
                if not stack:
                    raise self.error(token, f"{token.raw.strip()} outside a block",
                                     "{{else}} belongs between {{#block}} and {{/block}}")
                frame = stack[-1]
                last = frame.sections[-1].opener.kind
                if frame.opener.kind in ("partial_block",):
                    raise self.error(token, "a partial block cannot have {{else}}",
                                     "remove the {{else}} part")
                if frame.opener.kind == "decorator":
                    raise self.error(token, "an inline partial cannot have {{else}}",
                                     "remove the {{else}} part")
                if last == "else":
                    raise self.error(token, f"a second {{{{else}}}} in the block opened at "
                                     f"line {frame.opener.line}:{frame.opener.column}",
                                     "a block has at most one plain {{else}}; use {{else if …}} "
                                     "before it")
                if kind == "OPEN_INVERSE_CHAIN":
                    if frame.opener.kind == "inverse":
                        raise self.error(token, "{{else if …}} cannot follow {{^…}}",
                                         "use {{#if}}…{{else if …}}…{{/if}}")
                    opener = self.open_tag(token)
                else:
                    line, column = self.loc(token)
                    opener = _Open("else", strip=_flags(token.raw, token.raw), line=line,
                                   column=column, tag=token.raw)
                    if frame.opener.kind == "inverse":
                        name = _name(frame.opener.path)
                        self.java_reject(line, column, token.raw,
                                         f"handlebars.java does not accept {{{{else}}}} in a "
                                         f"{{{{^{name}}}}} section",
                                         f"{{{{#{name}}}}}…{{{{else}}}}…{{{{/{name}}}}} with the "
                                         "two parts swapped")
                self.java_tag(*opener.strip)
                new = _Section(opener)
                frame.sections.append(new)
                section = new
            elif kind in ("OPEN_ENDBLOCK", "SIMPLE_END"):
                if kind == "SIMPLE_END":
                    closed = self.simple_path(token)
                    close_token = token
                else:
                    closed = self.helper_name()
                    close_token = self.close("CLOSE", token)
                if not stack:
                    raise self.error(token, f"{{{{/{_name(closed)}}}}} closes a block that was "
                                     "never opened", "remove it or add the opening {{#…}}")
                frame = stack.pop()
                opener = frame.opener
                if _name(opener.path) != _name(closed):
                    raise self.error(token, f"{{{{/{_name(closed)}}}}} does not match "
                                     f"{_tag(opener)} opened at line "
                                     f"{opener.line}:{opener.column}",
                                     f"close it with {{{{/{_name(opener.path)}}}}}")
                close_line, close_column = self.loc(token)
                # handlebars.java honours ~ on the closing tag of {{#blocks}} only
                self.java_tag(*(_flags(token.raw, close_token.raw)
                                if opener.kind in ("block", "decorator") else (False, False)))
                node, strip = self.finish_block(frame, _flags(token.raw, close_token.raw),
                                                close_line, close_column)
                section = stack[-1].sections[-1] if stack else root
                section.body.append(node)
                section.strips.append(strip)
            elif kind == "OPEN_RAW_BLOCK":
                self.raw_block(token, section)
                self.java_tag(False, False)
            elif kind == "EOF":
                if stack:
                    opener = stack[-1].opener
                    raise HandlebarsSyntaxError(
                        f"{_tag(opener)} opened at line "
                        f"{opener.line}:{opener.column} is never closed (the template ends "
                        "first)", line=opener.line, column=opener.column, path=self.path,
                        hint=f"add {{{{/{_name(opener.path)}}}}} where the block should end")
                break
            else:  # pragma: no cover - the lexer only yields the kinds above here
                raise self.error(token, f"unexpected {_describe(token)}", "check the template")
        self.process_body(root.body, root.strips, True)
        return ast.Program(1, 1, tuple(root.body), path=self.path,
                           java_rejects=tuple(self.java_rejects))

    def open_tag(self, token: Token) -> _Open:
        kind = {"OPEN_BLOCK": "block", "OPEN_INVERSE": "inverse", "OPEN_PARTIAL_BLOCK":
                "partial_block", "OPEN_INVERSE_CHAIN": "chain"}[token.kind]
        if kind == "block" and "*" in token.raw:
            kind = "decorator"
        if kind == "partial_block":
            path = self.param()
        else:
            if self.peek().kind == "OPEN_SEXPR":
                raise self.error(self.peek(), "a block must start with a helper name",
                                 "write {{#helper (sub expr)}}, not {{#(sub expr)}}")
            path = self.helper_name()
        params, hash_ = self.params_and_hash()
        block_params: tuple[str, ...] = ()
        if kind in ("block", "inverse", "chain", "decorator"):
            block_params = self.block_params()
        close_token = self.close("CLOSE", token)
        line, column = self.loc(token)
        return _Open(kind, path, params, hash_, block_params, _flags(token.raw, close_token.raw),
                     line, column, token.raw)

    def mustache(self, token: Token, section: _Section) -> None:
        if self.peek().kind == "OPEN_SEXPR":
            raise self.error(self.peek(), "a mustache must start with a name",
                             "write {{helper (sub expr)}}, not {{(sub expr)}}")
        path = self.helper_name()
        params, hash_ = self.params_and_hash()
        unescaped = token.kind == "OPEN_UNESCAPED"
        close_token = self.close("CLOSE_UNESCAPED" if unescaped else "CLOSE", token)
        line, column = self.loc(token)
        flag = token.raw[3:4] or token.raw[2:3]
        escaped = flag not in ("{", "&")
        if isinstance(path, (ast.StringLiteral, ast.NumberLiteral, ast.BooleanLiteral)):
            name = path.original if not isinstance(path, ast.StringLiteral) else path.value
            spelled = name if _JAVA_NAME.fullmatch(name) and name not in ("true", "false") \
                else f"[{name}]"
            self.java_reject(line, column, self.text[token.pos:close_token.pos + len(close_token.raw)],
                             "handlebars.java does not accept a literal as a mustache's name",
                             token.raw + spelled + close_token.raw)
        if "*" in token.raw:
            node: Any = ast.Decorator(line, column, path, params, hash_)
        else:
            node = ast.MustacheStatement(line, column, path, params, hash_, escaped)
        section.body.append(node)
        open_, close_ = _flags(token.raw, close_token.raw)
        section.strips.append(_Strip(open=open_, close=close_))

    def partial(self, token: Token, section: _Section) -> None:
        name = self.param()
        params, hash_ = self.params_and_hash()
        close_token = self.close("CLOSE", token)
        line, column = self.loc(token)
        if len(params) > 1:
            raise self.error(token, f"a partial takes at most one context argument, found "
                             f"{len(params)}", "pass more values as key=value")
        section.body.append(ast.PartialStatement(line, column, name, params, hash_))
        open_, close_ = _flags(token.raw, close_token.raw)
        section.strips.append(_Strip(open=open_, close=close_, inline_standalone=True))

    def raw_block(self, token: Token, section: _Section) -> None:
        path = self.helper_name()
        params, hash_ = self.params_and_hash()
        self.close("CLOSE_RAW_BLOCK", token)
        body: list[ast.ContentStatement] = []
        while self.peek().kind == "CONTENT":
            content = self.next()
            line, column = self.loc(content)
            body.append(ast.ContentStatement(line, column, content.text, content.text))
        end = self.peek()
        if end.kind != "END_RAW_BLOCK":
            raise self.error(end, "a raw block needs {{{{/name}}}}",
                             "write {{{{raw}}}}…{{{{/raw}}}}")
        self.next()
        end_line, end_column = self.loc(end)
        if end.text != _name(path):
            raise self.error(end, f"{{{{{{{{/{end.text}}}}}}}}} does not match {{{{{{{{"
                             f"{_name(path)}}}}}}}}}", f"close it with {{{{{{{{/{_name(path)}}}}}}}}}")
        line, column = self.loc(token)
        program = ast.Program(body[0].line if body else end_line,
                              body[0].column if body else end_column, tuple(body))
        node = ast.BlockStatement(line, column, path, params, hash_, program, None, (), True,
                                  end_line, end_column)
        strip = _Strip(open_standalone=self.is_next_whitespace(program.body),
                       close_standalone=self.is_prev_whitespace(program.body))
        section.body.append(node)
        section.strips.append(strip)

    # --- blocks --------------------------------------------------------------------------
    def finish_block(self, frame: _Frame, close_strip: tuple[bool, bool], close_line: int,
                     close_column: int) -> tuple[Any, _Strip]:
        opener = frame.opener
        sections = frame.sections
        for s in sections:
            self.process_body(s.body, s.strips, False)
        programs = []
        for s in sections:
            line, column = (s.body[0].line, s.body[0].column) if s.body else (s.opener.line, s.opener.column)
            programs.append(ast.Program(line, column, tuple(s.body), s.opener.block_params))
        if opener.kind in ("partial_block", "decorator"):
            program = programs[0]
            if opener.kind == "partial_block":
                node: Any = ast.PartialBlockStatement(opener.line, opener.column, opener.path,
                                                      opener.params, opener.hash, program)
            else:
                node = ast.DecoratorBlock(opener.line, opener.column, opener.path, opener.params,
                                          opener.hash, program)
            strip = self.block_strip(program, None, opener.strip, None, close_strip)
            return node, strip
        # Build the {{else if}} chain from the innermost link outwards. Each link is
        # (opener, program, inverse, inverse_strip, close_strip).
        links: list[list[Any]] = []
        final_else = sections[-1] if len(sections) > 1 and sections[-1].opener.kind == "else" else None
        chain_sections = sections[:-1] if final_else else sections
        inverse: ast.Program | None = programs[-1] if final_else else None
        inverse_strip = final_else.opener.strip if final_else else None
        # close strips as handlebars.js's prepareBlock assigns them
        for k in range(len(chain_sections) - 1, 0, -1):
            s = chain_sections[k]
            link_close = s.opener.strip if k >= 2 else close_strip
            links.append([s.opener, programs[k], inverse, inverse_strip, link_close])
            block = ast.BlockStatement(s.opener.line, s.opener.column, s.opener.path,
                                       s.opener.params, s.opener.hash, programs[k], inverse,
                                       s.opener.block_params, False, close_line, close_column)
            inverse = ast.Program(s.opener.line, s.opener.column, (block,), chained=True)
            inverse_strip = s.opener.strip
        program = programs[0]
        main: ast.Program | None
        other: ast.Program | None
        if opener.kind == "inverse":
            node = ast.BlockStatement(opener.line, opener.column, opener.path, opener.params,
                                      opener.hash, inverse, program, opener.block_params, False,
                                      close_line, close_column)
            main, other = inverse, program
        else:
            node = ast.BlockStatement(opener.line, opener.column, opener.path, opener.params,
                                      opener.hash, program, inverse, opener.block_params, False,
                                      close_line, close_column)
            main, other = program, inverse
        # handlebars.js visits the chained blocks innermost first, then the outer block.
        for link_opener, link_program, link_inverse, link_inverse_strip, link_close in links:
            self.block_strip(link_program, link_inverse, link_opener.strip, link_inverse_strip,
                             link_close)
        strip = self.block_strip(main, other, opener.strip, inverse_strip, close_strip)
        return node, strip

    def block_strip(self, program: ast.Program | None, inverse: ast.Program | None,
                    open_strip: tuple[bool, bool], inverse_strip: tuple[bool, bool] | None,
                    close_strip: tuple[bool, bool] | None) -> _Strip:
        """handlebars.js ``WhitespaceControl.BlockStatement`` for one block."""
        close_strip = close_strip or (False, False)
        prog = program or inverse
        assert prog is not None
        inv = inverse if program is not None else None
        first_inverse = None
        if inv is not None:
            first_inverse = _chained_program(inv, 0) if inv.chained else inv
        strip = _Strip(open=open_strip[0], close=close_strip[1],
                       open_standalone=self.is_next_whitespace(prog.body),
                       close_standalone=self.is_prev_whitespace((first_inverse or prog).body))
        if open_strip[1]:
            self.omit_right(prog.body, None, True)
        if inv is not None and first_inverse is not None:
            last_inverse = inv
            while last_inverse.chained:
                last_inverse = _chained_program(last_inverse, -1)
            inverse_strip = inverse_strip or (False, False)
            if inverse_strip[0]:
                self.omit_left(prog.body, None, True)
            if inverse_strip[1]:
                self.omit_right(first_inverse.body, None, True)
            if close_strip[0]:
                self.omit_left(last_inverse.body, None, True)
            if self.is_prev_whitespace(prog.body) and self.is_next_whitespace(first_inverse.body):
                self.omit_left(prog.body)
                self.omit_right(first_inverse.body)
        elif close_strip[0]:
            self.omit_left(prog.body, None, True)
        return strip

    # --- whitespace control (handlebars.js WhitespaceControl) ---------------------------
    def process_body(self, body: list, strips: list, is_root: bool) -> None:
        for i, strip in enumerate(strips):
            if strip is None:
                continue
            current = body[i]
            prev_ws = self.is_prev_whitespace(body, i, is_root)
            next_ws = self.is_next_whitespace(body, i, is_root)
            open_standalone = strip.open_standalone and prev_ws
            close_standalone = strip.close_standalone and next_ws
            inline_standalone = strip.inline_standalone and prev_ws and next_ws
            if strip.close:
                self.omit_right(body, i, True)
            if strip.open:
                self.omit_left(body, i, True)
            if inline_standalone:
                self.omit_right(body, i)
                if self.omit_left(body, i) and isinstance(current, ast.PartialStatement):
                    m = _INDENT.search(body[i - 1].original)
                    object.__setattr__(current, "indent", m.group(1) if m else "")
            if open_standalone:
                inner = getattr(current, "program", None) or current.inverse
                self.omit_right(inner.body)
                self.omit_left(body, i)
            if close_standalone:
                self.omit_right(body, i)
                inner = getattr(current, "inverse", None) or current.program
                self.omit_left(inner.body)

    @staticmethod
    def is_prev_whitespace(body: Any, i: int | None = None, is_root: bool = False) -> bool:
        if i is None:
            i = len(body)
        prev = body[i - 1] if i >= 1 else None
        if prev is None:
            return is_root
        if isinstance(prev, ast.ContentStatement):
            # /\r?\n\s*?$/ (or /(^|\r?\n)\s*?$/ for the first node of the template)
            text = prev.original
            cut = text.rfind("\n")
            if cut < 0:
                return is_root and i < 2 and not text.strip(JS_WHITESPACE)
            return not text[cut + 1:].strip(JS_WHITESPACE)
        return False

    @staticmethod
    def is_next_whitespace(body: Any, i: int | None = None, is_root: bool = False) -> bool:
        if i is None:
            i = -1
        nxt = body[i + 1] if i + 1 < len(body) else None
        if nxt is None:
            return is_root
        if isinstance(nxt, ast.ContentStatement):
            # /^\s*?\r?\n/ (or /^\s*?(\r?\n|$)/ for the last node of the template)
            text = nxt.original
            cut = text.find("\n")
            if cut < 0:
                return is_root and i + 2 >= len(body) and not text.strip(JS_WHITESPACE)
            return not text[:cut].strip(JS_WHITESPACE)
        return False

    def omit_right(self, body: Any, i: int | None = None, multiple: bool = False) -> None:
        k = 0 if i is None else i + 1
        current = body[k] if k < len(body) else None
        if not isinstance(current, ast.ContentStatement):
            return
        if not multiple and self.right_stripped.get(id(current)):
            return
        original = current.value
        value = (_LEAD_ALL if multiple else _LEAD_LINE).sub("", original, count=1)
        object.__setattr__(current, "value", value)
        self.right_stripped[id(current)] = value != original

    def omit_left(self, body: Any, i: int | None = None, multiple: bool = False) -> bool:
        k = len(body) - 1 if i is None else i - 1
        current = body[k] if 0 <= k < len(body) else None
        if not isinstance(current, ast.ContentStatement):
            return False
        if not multiple and self.left_stripped.get(id(current)):
            return False
        original = current.value
        value = (_TRAIL_ALL if multiple else _TRAIL_LINE).sub("", original, count=1)
        object.__setattr__(current, "value", value)
        stripped = value != original
        self.left_stripped[id(current)] = stripped
        return stripped


def java_name(original: str) -> str:
    """A path spelled so that handlebars.java's lexer and handlebars.js both accept it:
    every segment it would reject in brackets (``User.[Imię]``, ``[1].a``)."""
    segments = re.split(r"(?<=[^.])\.(?=[^.])", original)
    return ".".join(seg if _JAVA_NAME.fullmatch(seg) or (seg[:1] == "[" and seg[-1:] == "]"
                                                        and len(seg) > 2)
                    else f"[{seg.strip('[]')}]" for seg in segments)


def _tag(opener: _Open) -> str:
    """How an opening tag reads in a message: ``{{#if}}``, ``{{^items}}``, ``{{#> layout}}``."""
    start = opener.tag.replace("~", "").replace(" ", "").replace("\t", "").replace("\n", "")
    space = " " if start.endswith(">") else ""
    return f"{start}{space}{_name(opener.path)}}}}}"


def _name(node: Any) -> str:
    """The name a block is opened/closed with, as handlebars.js compares them."""
    if node is None:
        return ""
    if isinstance(node, ast.PathExpression):
        return node.original
    if isinstance(node, ast.SubExpression):
        return "(…)"
    return str(getattr(node, "original", ""))


class no_gc:
    """Pause the cyclic garbage collector while building many small objects (parsing and
    compiling a large template); its full collections would otherwise make that quadratic."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def parse(text: str, *, path: str | None = None) -> ast.Program:
    """Parse a template. Raises HandlebarsSyntaxError with a 1-based line:column and a hint."""
    if not isinstance(text, str):
        raise TypeError("parse() needs the template text as a str")
    with no_gc():
        return _Parser(text, path).parse()


def _chained_program(program: ast.Program, index: int) -> ast.Program:
    """The main program of the ``{{else if …}}`` block a chained inverse holds at ``index``."""
    block = program.body[index]
    assert isinstance(block, ast.BlockStatement) and block.program is not None
    return block.program
