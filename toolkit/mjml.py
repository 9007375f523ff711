r"""MJML -> HTML with MRML (the ``mrml`` package), deterministic, with located errors.

``mj-include`` paths are resolved relative to the folder of the file that includes them and
read by ptk itself (:func:`read_includes`), so the loader knows every file an email depends
on and a missing include is reported at the ``<mj-include>`` tag. ptk splices them into the
text MRML compiles (``toolkit.mjml_input``); MRML's own loader is off, so it never touches the
file system or the network.

MRML does not validate much (see docs/foundation.md): it accepts unknown attributes and copies
unknown tags into the HTML. ptk checks the ``mj-*`` elements first: an unknown element
(``<mj-texte>``) and an unclosed or mismatched tag are reported with their line and column,
instead of MRML's silence or its position-less "unexpected end of stream".

Where MRML's output differs from the reference compiler (npm ``mjml``), ptk corrects it around
MRML (docs/mjml.md has the measurements): ``toolkit.mjml_input`` prepares the text MRML gets
(line endings, includes spliced in, ``alt=""`` defaults, npm's attribute precedence, a bare
``0`` in paddings, Handlebars tokens set aside) with a map back to the author's files, and
``toolkit.mjml_output`` corrects what only the output can say (MRML's escaping of attribute
values, the tokens put back, the carousel's media query, table borders, image widths).

MRML's parser warnings (an attribute an element does not take, a duplicate attribute) are
returned with the file, line and column (:func:`compile_document`); lint reports them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import mrml

from toolkit import mjml_input, mjml_output
from toolkit.errors import RenderError
from toolkit.mjml_output import decode_attributes  # noqa: F401 - re-exported

_TAG = mjml_input.TAG  # an mj-* tag or a comment, found in linear time
_ATTR_PATH = re.compile(r"""\bpath\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_QUOTE_IN_MUSTACHE = re.compile(r'=\s*"[^"{]*\{\{[^}"]*"')
_POSITION = re.compile(r"in (?:root template|template from \"([^\"]*)\") at position (\d+):(\d+)")
# Every element of MJML 4 that MRML compiles (mj-html-attributes is MJML's but MRML rejects it).
KNOWN_ELEMENTS = frozenset({
    "mjml", "mj-head", "mj-body", "mj-attributes", "mj-all", "mj-class", "mj-breakpoint",
    "mj-font", "mj-preview", "mj-style", "mj-title", "mj-include", "mj-accordion",
    "mj-accordion-element", "mj-accordion-title", "mj-accordion-text", "mj-button",
    "mj-carousel", "mj-carousel-image", "mj-column", "mj-divider", "mj-group", "mj-hero",
    "mj-image", "mj-navbar", "mj-navbar-link", "mj-raw", "mj-section", "mj-social",
    "mj-social-element", "mj-spacer", "mj-table", "mj-text", "mj-wrapper",
})
# Elements whose content MJML treats as raw HTML: no mj-* tags are looked for inside them.
_RAW = mjml_input.RAW


# MRML recurses once per nested element and overflows its stack (the process dies with a
# segmentation fault) at about 2,000 nested mj-* elements or 10,000 nested HTML tags.
MAX_DEPTH = 500
# Any tag, or a comment, found in linear time (the regex alone took 19 s for 20,000 '<x a="'
# with their quotes never closed, 120 KB, and minutes for 8,500 '<mj-attributes' with no '>').
_ANY_TAG = mjml_input.TagPattern(r"[A-Za-z][A-Za-z0-9:-]*")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


@dataclass(frozen=True)
class MjmlWarning:
    """A problem MRML noticed and compiled past: ``kind`` is MRML's (``unexpected-attribute``,
    ``duplicate-attribute``, ``inline-style-unsupported``), ``text`` the source it points at
    (``foo="1"``), ``element`` the MJML element it is on."""

    path: Path
    line: int
    column: int
    kind: str
    text: str
    element: str | None


@dataclass(frozen=True)
class Compiled:
    """MRML's output with ptk's corrections (the HTML that is published) and its warnings."""

    html: str
    warnings: tuple[MjmlWarning, ...] = ()


@dataclass(frozen=True)
class Include:
    """One ``mj-include``: the path as written, the file it resolves to, and its text."""

    literal: str
    path: Path
    text: str


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def blank_comments(text: str) -> str:
    """``text`` with every ``<!-- ... -->`` comment replaced by as many spaces (offsets stay).
    A loop of ``find`` calls, not a regex: once an opening ``<!--`` has no ``-->`` after it,
    no later one has either, where ``re.sub(r"<!--.*?-->")`` would scan to the end of the
    text again from each of them (minutes for a file of many ``<!--``)."""
    pieces, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pieces += [text[position:start], " " * (end + 3 - start)]
        position = end + 3
    return "".join(pieces) + text[position:]


def check_comments(source: str, *, path: Path) -> None:
    """Raise RenderError at an HTML comment ``<!--`` that is never closed: MRML refuses the
    whole document without a position ("unable to parse next template"). A ``<!--`` inside
    a tag's quoted attribute value (``title="<!--"``, however many) or inside a comment is
    text, not a comment opener, as for an HTML parser (and npm mjml)."""
    # a <!-- at i is closed when some --> starts at i + 4 or later: only those after the
    # last --> can be unclosed
    candidate = source.find("<!--", max(source.rfind("-->") - 3, 0))
    if candidate < 0:
        return
    for match in _ANY_TAG.finditer(source):  # tags and comments, left to right
        if match.end() <= candidate:
            continue
        if match.start() > candidate:
            break
        candidate = source.find("<!--", match.end())  # the ones inside it are text
        if candidate < 0:
            return
    line, col = line_col(source, candidate)
    raise RenderError(f"{path}:{line}:{col}: comment <!-- is never closed",
                      hint="close it with --> (everything after it would be commented "
                           "out)", path=str(path), line=line, column=col)


def check_tags(source: str, *, path: Path) -> None:
    """Raise RenderError at the first unclosed comment (:func:`check_comments`) or unclosed
    or mismatched ``mj-*`` tag."""
    check_comments(source, path=path)
    stack: list[tuple[str, int]] = []
    for match in _TAG.finditer(source):
        closing, name, attrs = match.group(1), match.group(2), match.group(3)
        if name is None:  # a comment
            continue
        if stack and stack[-1][0] in _RAW and not (closing and name == stack[-1][0]):
            continue  # inside raw HTML content
        if name not in KNOWN_ELEMENTS:
            line, col = line_col(source, match.start())
            close = difflib.get_close_matches(name, sorted(KNOWN_ELEMENTS), n=1, cutoff=0.7)
            hint = (f"did you mean <{close[0]}>?" if close
                    else "use one of the MJML elements (https://documentation.mjml.io)")
            if name == "mj-html-attributes":
                hint = "MRML, which ptk compiles with, does not support mj-html-attributes"
            raise RenderError(f"{path}:{line}:{col}: unknown MJML element <{name}>", hint=hint,
                              path=str(path), line=line, column=col)
        if closing:
            if not stack:
                line, col = line_col(source, match.start())
                raise RenderError(f"{path}:{line}:{col}: closing </{name}> without an opening tag",
                                  hint=f"remove </{name}> or add the matching <{name}>",
                                  path=str(path), line=line, column=col)
            open_name, open_at = stack[-1]
            if open_name != name:
                line, col = line_col(source, match.start())
                oline, ocol = line_col(source, open_at)
                raise RenderError(
                    f"{path}:{line}:{col}: </{name}> closes <{open_name}> opened at {oline}:{ocol}",
                    hint=f"close <{open_name}> with </{open_name}> first",
                    path=str(path), line=line, column=col)
            stack.pop()
        elif not attrs.rstrip().endswith("/"):
            stack.append((name, match.start()))
    if stack:
        name, at = stack[-1]
        line, col = line_col(source, at)
        hint = (f"add </{name}> where its content ends" if name in _RAW
                else f"add </{name}> or write it self-closing as <{name} ... />")
        raise RenderError(f"{path}:{line}:{col}: <{name}> is never closed", hint=hint,
                          path=str(path), line=line, column=col)


def check_depth(source: str, *, path: Path) -> None:
    """Raise RenderError where elements (MJML or HTML) nest more than MAX_DEPTH deep, which
    no real email does and which would crash MRML."""
    if source.count("<") <= MAX_DEPTH:
        return  # fewer tags than that (the usual email: no scan)
    depth = 0
    uncommented = blank_comments(source)
    for match in _ANY_TAG.finditer(uncommented):  # no comment is left to match
        name = match.group(2).lower()
        if match.group(1):
            depth = max(depth - 1, 0)
        elif name not in _VOID and not match.group(3).rstrip().endswith("/"):
            depth += 1
            if depth > MAX_DEPTH:
                line, col = line_col(source, match.start())
                raise RenderError(
                    f"{path}:{line}:{col}: elements are nested more than {MAX_DEPTH} deep "
                    "here, which MRML cannot compile",
                    hint="close the elements above (or flatten the markup)",
                    path=str(path), line=line, column=col)


class IncludeOutside(RenderError):
    """An ``mj-include`` with an absolute path, or one that leads outside the repository."""


def read_includes(source: str, *, path: Path, root: Path | None = None
                  ) -> tuple[Include, ...]:
    """Every file ``source`` (at ``path``) includes, recursively, in order of appearance.
    Raises RenderError at the ``<mj-include>`` tag of a missing or unreadable file, and
    IncludeOutside for an absolute path or one that leads outside ``root`` (a resolved
    folder; ``..`` or a symbolic link) before reading it."""
    found: dict[Path, Include] = {}
    _collect(source, path, found, root)
    return tuple(found.values())


def _collect(source: str, path: Path, found: dict[Path, Include], root: Path | None) -> None:
    check_comments(source, path=path)
    uncommented = blank_comments(source)
    for match in _TAG.finditer(uncommented):
        if match.group(2) != "mj-include" or match.group(1):
            continue
        attr = _ATTR_PATH.search(match.group(3))
        line, col = line_col(source, match.start())
        if attr is None:
            raise RenderError(f"{path}:{line}:{col}: <mj-include> without a path attribute",
                              hint='write <mj-include path="partials/header.mjml" />',
                              path=str(path), line=line, column=col)
        literal = attr.group(1) if attr.group(1) is not None else attr.group(2)
        if Path(literal).is_absolute():
            raise IncludeOutside(f"{path}:{line}:{col}: included file {literal!r} is an "
                                 "absolute path", hint="write the path relative to the "
                                 "including file's folder, inside the repository",
                                 path=str(path), line=line, column=col)
        try:
            target = (path.parent / literal).resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
            raise RenderError(f"{path}:{line}:{col}: cannot read included file {literal!r} "
                              "(a symbolic link loop)", hint="point the path at a real file",
                              path=str(path), line=line, column=col) from None
        if root is not None and not target.is_relative_to(root):
            raise IncludeOutside(f"{path}:{line}:{col}: included file {literal!r} leads "
                                 f"outside the repository (to {target})",
                                 hint="keep included files inside the repository (copy the "
                                      "file in instead of pointing at it)",
                                 path=str(path), line=line, column=col)
        if target in found:
            continue
        try:
            from toolkit.loader import special_file_kind

            kind = special_file_kind(target)
            if kind is not None:
                raise RenderError(f"{path}:{line}:{col}: cannot read included file {literal!r} "
                                  f"(not a regular file: a {kind})",
                                  hint="point the path at a UTF-8 text file",
                                  path=str(path), line=line, column=col)
            text = target.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise RenderError(f"{path}:{line}:{col}: included file {literal!r} not found "
                              f"(looked for {target})",
                              hint="fix the path; it is relative to the including file's folder",
                              path=str(path), line=line, column=col) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror
            raise RenderError(f"{path}:{line}:{col}: cannot read included file {literal!r} "
                              f"({reason})", hint="make the file a readable UTF-8 text file",
                              path=str(path), line=line, column=col) from None
        found[target] = Include(literal, target, text)
        if target.suffix == ".mjml":
            _collect(text, target, found, root)


def normalise_newlines(text: str) -> str:
    r"""``\r\n`` and a lone ``\r`` as ``\n``, as an HTML parser reads them. Line and column
    numbers stay the same; MRML rejects a carriage return between head elements."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def compile_mjml(source: str, *, path: Path,
                 includes: tuple[Include, ...] | None = None) -> str:
    """Compile MJML ``source`` (read from ``path``) to HTML. Same input, same bytes.

    ``includes`` are the files from :func:`read_includes` (read here when not given).
    Raises RenderError with the file and, when known, line:column."""
    return compile_document(source, path=path, includes=includes).html


def compile_document(source: str, *, path: Path,
                     includes: tuple[Include, ...] | None = None) -> Compiled:
    """Like :func:`compile_mjml`, with MRML's warnings located in ``path`` or an include."""
    source = normalise_newlines(source)
    if includes is None:
        check_tags(source, path=path)
        includes = read_includes(source, path=path)
    return _compile(source, path, tuple(includes))


@lru_cache(maxsize=128)
def _compile(source: str, path: Path, includes: tuple[Include, ...]) -> Compiled:
    """:func:`compile_document` of ``source`` with ``includes`` read. Cached: the result
    depends on nothing else, and the loader, the linter and the preview compile the same
    emails again and again."""
    check_tags(source, path=path)
    check_depth(source, path=path)
    texts = {}
    for include in includes:
        text = normalise_newlines(include.text)
        check_depth(text, path=include.path)
        if include.path.suffix == ".mjml":
            check_tags(text, path=include.path)
        texts[include.path] = text
    try:
        prepared = mjml_input.prepare(source, path, texts, _resolve)
    except mjml_input.IncludeProblem as problem:
        line, col = line_col(problem.text, problem.offset)
        raise RenderError(f"{problem.path}:{line}:{col}: MJML error: {problem.message}",
                          hint=problem.hint, path=str(problem.path), line=line,
                          column=col) from None

    def place(byte: int) -> tuple[Path, str, int]:
        """The file, its text and the character offset of MRML's byte position ``byte``."""
        offset = len(prepared.text.encode("utf-8")[:byte].decode("utf-8", errors="ignore"))
        return prepared.locate(offset)

    try:
        html, raw_warnings = _mrml(prepared.text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - OSError/ValueError, or a Rust panic
        # (pyo3's PanicException derives from BaseException): bad input either way.
        raise _located_error(str(exc) or type(exc).__name__, source, path, place) from None
    html = mjml_output.finish(html, prepared.prefix, prepared.tokens)
    warnings = []
    for kind, start, end in raw_warnings:
        file, text, offset = place(start)
        stop = place(end)[2] if place(end)[0] == file else offset
        line, col = line_col(text, offset)
        opening = text.rfind("<", 0, offset)
        element = re.match(r"<([A-Za-z][\w:-]*)", text[opening:]) if opening >= 0 else None
        warnings.append(MjmlWarning(file, line, col, kind, text[offset:stop],
                                    element.group(1) if element else None))
    return Compiled(html, tuple(warnings))


def _resolve(including: Path, literal: str) -> Path:
    """An include path as written, resolved against the including file's folder (as
    :func:`read_includes` does)."""
    try:
        return (including.parent / literal).resolve()
    except (OSError, RuntimeError):
        return including.parent / literal


def _located_error(message: str, source: str, path: Path,
                   place: Callable[[int], tuple[Path, str, int]]) -> RenderError:
    """MRML's error ``message`` as a RenderError at its file and line:column when known."""
    line = col = None
    where_path = path
    position = _POSITION.search(message)
    if position:
        where_path, text, offset = place(int(position.group(2)))
        line, col = line_col(text, offset)
    where = f"{where_path}:{line}:{col}" if line is not None else str(where_path)
    hint = "check the MJML syntax there"
    problem = parse_problem(source) if line is None else None
    quoted = _QUOTE_IN_MUSTACHE.search(source)
    if problem is not None:
        offset, what, hint = problem
        line, col = line_col(source, offset)
        where = f"{path}:{line}:{col}"
        message = f"{message} ({what})"
    elif line is None and quoted:
        line, col = line_col(source, quoted.end() - 1)
        where = f"{path}:{line}:{col}"
    if problem is None and "unable to parse next template" in message:
        hint = ("check the tag there; a Handlebars expression with double quotes inside "
                "an attribute (href=\"{{link \"x\"}}\") must use single quotes")
    if "unexpected element in template from" in message:
        hint = ("MRML does not allow <mj-include> at the top level of an included file; "
                "put it inside an element (e.g. a column) or include it from the main file")
    return RenderError(f"{where}: MJML error: {message}", hint=hint,
                       path=str(where_path), line=line, column=col)


# One attribute of a tag: white space, a name and optionally ="value" or ='value'.
_ATTRIBUTE_ITEM = re.compile(r"""\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?""")


def parse_problem(source: str) -> tuple[int, str, str] | None:
    """Where MRML's parser stops when it says no position ("unable to parse next
    template"): (offset, what is there, hint) for a NUL character, text outside the
    ``<mjml>`` root, or an ``mj-*`` tag whose attributes are not ``name="value"`` pairs
    separated by white space (a value without quotes, a Handlebars block around an
    attribute); None when it is none of these."""
    nul = source.find("\x00")
    if nul >= 0:
        return nul, "a NUL character", "remove it (an editor may show it as ^@)"
    uncommented = blank_comments(source)
    first = len(uncommented) - len(uncommented.lstrip())
    if first < len(uncommented) and not uncommented.startswith("<mjml", first):
        return first, "text before <mjml>", "the file must start with <mjml> (comments aside)"
    end = uncommented.find("</mjml>")
    if end >= 0 and uncommented[end + 7:].strip():
        after = end + 7 + len(uncommented[end + 7:]) - len(uncommented[end + 7:].lstrip())
        return after, "text after </mjml>", "the file must end with </mjml> (comments aside)"
    for match in _TAG.finditer(uncommented):
        if match.group(2) is None or match.group(1):
            continue
        attributes, position = match.group(3), 0
        body = attributes[:-1] if attributes.rstrip().endswith("/") else attributes
        while (item := _ATTRIBUTE_ITEM.match(body, position)) is not None:
            position = item.end()
        if body[position:].strip():
            at = match.start(3) + position + len(body[position:]) - len(body[position:].lstrip())
            return at, f"an attribute of <{match.group(2)}> that cannot be read", (
                'write each attribute as name="value", separated by spaces (a value needs '
                "quotes; a Handlebars block cannot wrap an attribute: put it inside the value)")
    return None


def _mrml(source: str) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """MRML's HTML for ``source`` (includes already spliced in by ptk) and its warnings (kind,
    byte span)."""
    options = mrml.ParserOptions(include_loader=mrml.noop_loader())
    output = mrml.to_html(source, parser_options=options)
    return output.content, tuple((str(w.kind), w.start, w.end) for w in output.warnings)
