"""Tokenizer for Handlebars templates.

It follows the lexer of handlebars.js 4.7 (``handlebars.l``) rule by rule, so that
templates tokenize the same way: the same states (text, mustache, escaped mustache,
long comment, raw block), the same rule order (the first matching rule wins) and the same
token texts. JavaScript regex classes are spelled out (``\\s`` of JavaScript differs
from Python's; ``$`` means end of input). Plain text between mustaches is found with
``str.find``, so long HTML runs cost almost nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from toolkit.errors import RenderError

# JavaScript's \s (ECMAScript WhiteSpace + LineTerminator).
WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_ID_CHARS = rf"[^{WS}!\"#%-,\.\/;->@\[-\^`\{{-~]"
_LOOKAHEAD = rf"(?=[=~}}{WS}\/.)|])"
_LITERAL_LOOKAHEAD = rf"(?=[~}}{WS})])"


class HandlebarsSyntaxError(RenderError):
    """A template that does not parse. ``line``/``column`` are 1-based; ``description`` is
    the message without the location; ``hint`` says how to fix it."""

    def __init__(self, description: str, *, line: int, column: int, path: str | None = None,
                 hint: str | None = None) -> None:
        where = f"{path}:" if path else "line "
        super().__init__(f"{where}{line}:{column}: {description}", hint, path=path, line=line,
                         column=column)
        self.description = description


class Token:
    __slots__ = ("kind", "text", "pos", "raw")

    def __init__(self, kind: str, text: str, pos: int, raw: str) -> None:
        self.kind = kind  # token type, e.g. "OPEN", "ID", "CONTENT"
        self.text = text  # the token's value (string contents unescaped, brackets kept)
        self.pos = pos  # offset in the template
        self.raw = raw  # the text as matched (for ~ flags)

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.pos})"


# Mustache-state rules, in handlebars.l order (rules 7-44). Group names are token kinds;
# a trailing digit disambiguates kinds that several rules produce.
_MU_RULES = [
    ("OPEN_SEXPR", r"\("),
    ("CLOSE_SEXPR", r"\)"),
    ("OPEN_RAW_BLOCK", r"\{\{\{\{"),
    ("CLOSE_RAW_BLOCK", r"\}\}\}\}"),
    ("OPEN_PARTIAL", r"\{\{~?>"),
    ("OPEN_PARTIAL_BLOCK", r"\{\{~?#>"),
    ("OPEN_BLOCK", r"\{\{~?#\*?"),
    ("OPEN_ENDBLOCK", r"\{\{~?\/"),
    ("INVERSE", rf"\{{\{{~?\^[{WS}]*~?\}}\}}"),
    ("INVERSE2", rf"\{{\{{~?[{WS}]*else[{WS}]*~?\}}\}}"),
    ("OPEN_INVERSE", r"\{\{~?\^"),
    ("OPEN_INVERSE_CHAIN", rf"\{{\{{~?[{WS}]*else(?![A-Za-z0-9_])"),
    ("OPEN_UNESCAPED", r"\{\{~?\{"),
    ("OPEN_AMP", r"\{\{~?&"),
    ("LONG_COMMENT", r"\{\{~?!--"),
    ("COMMENT", r"\{\{~?![\s\S]*?\}\}"),
    ("OPEN", r"\{\{~?\*?"),
    ("EQUALS", r"="),
    ("ID_DOTDOT", r"\.\."),
    ("ID_DOT", rf"\.{_LOOKAHEAD}"),
    ("SEP", r"[\/.]"),
    ("WS", rf"[{WS}]+"),
    ("CLOSE_UNESCAPED", r"\}~?\}\}"),
    ("CLOSE", r"~?\}\}"),
    ("STRING", r'"(?:\\"|[^"])*"'),
    ("STRING2", r"'(?:\\'|[^'])*'"),
    ("DATA", r"@"),
    ("BOOLEAN", rf"true{_LITERAL_LOOKAHEAD}"),
    ("BOOLEAN2", rf"false{_LITERAL_LOOKAHEAD}"),
    ("UNDEFINED", rf"undefined{_LITERAL_LOOKAHEAD}"),
    ("NULL", rf"null{_LITERAL_LOOKAHEAD}"),
    ("NUMBER", rf"-?[0-9]+(?:\.[0-9]+)?{_LITERAL_LOOKAHEAD}"),
    ("OPEN_BLOCK_PARAMS", rf"as[{WS}]+\|"),
    ("CLOSE_BLOCK_PARAMS", r"\|"),
    ("ID", rf"{_ID_CHARS}+{_LOOKAHEAD}"),
    ("ID_BRACKET", r"\[(?:\\\]|[^\]])*\]"),
    ("INVALID", r"."),
]
# Rules that begin with "{{" and the others, each in rule order: a token starting with
# "{{" can only match the first set, any other only the second, so trying one set is
# the same as trying all rules in order, and faster.
_MU_OPEN = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _MU_RULES
                               if rx.startswith(r"\{\{")), re.DOTALL)
_MU_REST = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _MU_RULES
                               if not rx.startswith(r"\{\{")), re.DOTALL)
_KIND = {"INVERSE2": "INVERSE", "OPEN_AMP": "OPEN", "STRING2": "STRING", "BOOLEAN2": "BOOLEAN",
         "ID_DOTDOT": "ID", "ID_DOT": "ID", "ID_BRACKET": "ID"}
_END_MU = {"CLOSE", "CLOSE_UNESCAPED", "INVERSE", "COMMENT"}
# Fast path: a whole ``{{name.path}}`` or ``{{/name}}`` tag as one token. The parser builds
# exactly what the general rules would; tags the general rules would read differently
# (literals, ``this``, ``else…``) are left to them (see _simple_ok).
_SEGMENT = rf"{_ID_CHARS}+"
_SIMPLE = re.compile(rf"\{{\{{(~?)(/?)[{WS}]*({_SEGMENT}(?:[./]{_SEGMENT})*)[{WS}]*"
                     r"(?:~\}\}|\}\}(?!\}))")
_NUMBER_SEGMENT = re.compile(r"-?[0-9]+\Z")
_LITERAL_WORDS = frozenset({"true", "false", "null", "undefined"})
_LONG_COMMENT_END = re.compile(r"--~?\}\}")
_EMU = re.compile(r"[^\x00]{2,}?(?=\{\{|\\\{\{|\\\\\{\{|\Z)")
_RAW_CLOSE = re.compile(rf"\{{\{{\{{\{{\/({_ID_CHARS}+)(?=[=}}{WS}\/.])\}}\}}\}}\}}")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_BRACKET_ESCAPE = re.compile(r"\\([\\\]])")


class Positions:
    """Offset -> 1-based (line, column), counting line breaks as jison does (\\r\\n, \\r, \\n)."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
            return
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts

    def __call__(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        return i + 1, pos - self.starts[i] + 1


def _simple_ok(path: str) -> bool:
    if path.startswith("else") or "this" in path:
        return False
    end = path[-1]
    if not (end.isdigit() or end in "eld"):  # cannot end in a number or true/false/null/undefined
        return True
    last = path.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    return last not in _LITERAL_WORDS and not _NUMBER_SEGMENT.match(last)


def tokenize(text: str, path: str | None = None, positions: Positions | None = None) -> list[Token]:
    """All tokens of ``text``, ending with an ``EOF`` token. Raises HandlebarsSyntaxError for
    text no rule matches (an unclosed ``{{!--`` comment, a NUL character, an unclosed raw
    block)."""
    tokens: list[Token] = []
    add = tokens.append
    n = len(text)
    pos = 0
    find = text.find
    has_nul = "\x00" in text
    simple_match = _SIMPLE.match
    open_match = _MU_OPEN.match
    rest_match = _MU_REST.match
    startswith = text.startswith

    def fail(at: int, description: str, hint: str) -> HandlebarsSyntaxError:
        line, column = (positions or Positions(text))(at)
        return HandlebarsSyntaxError(description, line=line, column=column, path=path, hint=hint)

    state = "text"
    raw_depth = 0
    tag_kind = ""  # the kind of the token that opened the current tag
    while True:
        if state == "text":
            if pos >= n:
                break
            nxt = find("{{", pos)
            stop = n if nxt < 0 else nxt
            nul = find("\x00", pos, stop) if has_nul else -1
            if nul >= 0:
                if nul > pos:
                    add(Token("CONTENT", text[pos:nul], pos, text[pos:nul]))
                raise fail(nul, "a NUL character is not allowed in a template",
                           "remove the \\x00 character")
            if nxt < 0:
                add(Token("CONTENT", text[pos:], pos, text[pos:]))
                pos = n
                break
            chunk = text[pos:nxt]
            if chunk.endswith("\\\\"):
                chunk = chunk[:-1]
                state = "mu"
            elif chunk.endswith("\\"):
                chunk = chunk[:-1]
                state = "emu"
            else:
                state = "mu"
            if chunk:
                add(Token("CONTENT", chunk, pos, chunk))
            pos = nxt
            if state == "mu":
                m = simple_match(text, pos)
                if m is not None and _simple_ok(m.group(3)):
                    add(Token("SIMPLE_END" if m.group(2) else "SIMPLE", m.group(3), pos,
                              m.group()))
                    pos = m.end()
                    state = "text"
            continue
        if state == "emu":
            m = _EMU.match(text, pos)
            if m is None:
                raise fail(pos, "unexpected character after an escaped \\{{",
                           "remove the NUL character")
            add(Token("CONTENT", m.group(), pos, m.group()))
            pos = m.end()
            state = "text"
            continue
        if state == "raw":
            # Inside {{{{name}}}} … {{{{/name}}}}: everything is text except nested raw
            # openers and closers, which are counted.
            nxt = find("{{{{", pos)
            if nxt < 0:
                raise fail(pos, "raw block is not closed", "add the closing {{{{/name}}}}")
            if nxt == pos:
                m = _RAW_CLOSE.match(text, pos)
                if m is not None:
                    if raw_depth:
                        raw_depth -= 1
                        add(Token("CONTENT", m.group(), pos, m.group()))
                    else:
                        add(Token("END_RAW_BLOCK", m.group(1), pos, m.group()))
                        state = "text"
                    pos = m.end()
                    continue
                if pos + 4 < n and text[pos + 4] != "/":
                    raw_depth += 1
                    add(Token("CONTENT", "{{{{", pos, "{{{{"))
                    pos += 4
                    continue
                nxt = find("{{{{", pos + 1)
                if nxt < 0:
                    raise fail(pos, "raw block is not closed", "add the closing {{{{/name}}}}")
            chunk = text[pos:nxt]
            if "\x00" in chunk:
                raise fail(pos + chunk.index("\x00"), "a NUL character is not allowed in a template",
                           "remove the \\x00 character")
            add(Token("CONTENT", chunk, pos, chunk))
            pos = nxt
            continue
        # state == "mu"
        if pos >= n:
            break
        m = (open_match if startswith("{{", pos) else rest_match)(text, pos)
        if m is None:  # "{{" followed by nothing any rule accepts cannot happen: OPEN matches
            m = rest_match(text, pos)
        # the last alternative of the token pattern matches any character, in a named group
        assert m is not None and m.lastgroup is not None
        kind = m.lastgroup
        raw = m.group()
        if kind == "WS":
            pos = m.end()
            continue
        if kind == "LONG_COMMENT":
            end = _LONG_COMMENT_END.search(text, m.end() - 2)
            if end is None:
                raise fail(pos, "comment {{!-- is not closed", "close it with --}}")
            raw = text[pos:end.end()]
            add(Token("COMMENT", raw, pos, raw))
            pos = end.end()
            state = "text"
            continue
        value = raw
        if kind == "STRING":
            value = raw[1:-1].replace('\\"', '"')
        elif kind == "STRING2":
            value = raw[1:-1].replace("\\'", "'")
        elif kind == "ID_BRACKET":
            value = _BRACKET_ESCAPE.sub(r"\1", raw)
        kind = _KIND.get(kind, kind)
        add(Token(kind, value, pos, raw))
        pos = m.end()
        if kind in _END_MU:
            state = "text"
        elif kind == "CLOSE_RAW_BLOCK":
            if tag_kind != "OPEN_RAW_BLOCK":
                raise fail(tokens[-1].pos, "unexpected }}}} (four braces) closing this tag",
                           "only {{{{raw}}}} blocks end with }}}}; use }} or }}}")
            state = "raw"
            raw_depth = 0
        elif kind.startswith("OPEN") and kind not in ("OPEN_SEXPR", "OPEN_BLOCK_PARAMS"):
            tag_kind = kind
    if state == "raw":
        raise fail(pos, "raw block is not closed", "add the closing {{{{/name}}}}")
    add(Token("EOF", "", n, ""))
    return tokens
