"""MJML -> HTML with MRML (the ``mrml`` package), deterministic, with located errors.

``mj-include`` paths are resolved relative to the folder of the file that includes them and
read by ptk itself (:func:`read_includes`), so the loader knows every file an email depends
on and a missing include is reported at the ``<mj-include>`` tag. MRML is then given those
files through its in-memory loader and never touches the file system or the network.

MRML does not validate much (see docs/foundation.md): it accepts unknown attributes and copies
unknown tags into the HTML. ptk checks the ``mj-*`` elements first: an unknown element
(``<mj-texte>``) and an unclosed or mismatched tag are reported with their line and column,
instead of MRML's silence or its position-less "unexpected end of stream".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import mrml

from toolkit.errors import RenderError

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(
    r"<!--.*?-->|<(/?)(mjml|mj-[A-Za-z0-9-]+)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
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
_RAW = {"mj-raw", "mj-text", "mj-button", "mj-table", "mj-style", "mj-title", "mj-preview",
        "mj-navbar-link", "mj-social-element", "mj-accordion-title", "mj-accordion-text"}


# MRML recurses once per nested element and overflows its stack (the process dies with a
# segmentation fault) at about 2,000 nested mj-* elements or 10,000 nested HTML tags.
MAX_DEPTH = 500
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


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


def check_tags(source: str, *, path: Path) -> None:
    """Raise RenderError at the first unclosed or mismatched ``mj-*`` tag."""
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
    depth = 0
    uncommented = _COMMENT.sub(lambda m: " " * len(m.group(0)), source)
    for match in _ANY_TAG.finditer(uncommented):
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


def read_includes(source: str, *, path: Path) -> tuple[Include, ...]:
    """Every file ``source`` (at ``path``) includes, recursively, in order of appearance.
    Raises RenderError at the ``<mj-include>`` tag of a missing or unreadable file."""
    found: dict[Path, Include] = {}
    _collect(source, path, found)
    return tuple(found.values())


def _collect(source: str, path: Path, found: dict[Path, Include]) -> None:
    uncommented = _COMMENT.sub(lambda m: " " * len(m.group(0)), source)
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
        try:
            target = (path.parent / literal).resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
            raise RenderError(f"{path}:{line}:{col}: cannot read included file {literal!r} "
                              "(a symbolic link loop)", hint="point the path at a real file",
                              path=str(path), line=line, column=col) from None
        if target in found:
            continue
        try:
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
            _collect(text, target, found)


def compile_mjml(source: str, *, path: Path,
                 includes: tuple[Include, ...] | None = None) -> str:
    """Compile MJML ``source`` (read from ``path``) to HTML. Same input, same bytes.

    ``includes`` are the files from :func:`read_includes` (read here when not given).
    Raises RenderError with the file and, when known, line:column."""
    check_tags(source, path=path)
    if includes is None:
        includes = read_includes(source, path=path)
    check_depth(source, path=path)
    for include in includes:
        check_depth(include.text, path=include.path)
    try:
        return _compile(source, tuple((inc.literal, inc.text) for inc in includes))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - OSError/ValueError, or a Rust panic
        # (pyo3's PanicException derives from BaseException): bad input either way.
        message = str(exc) or type(exc).__name__
        line = col = None
        where_path, text = path, source
        position = _POSITION.search(message)
        if position:
            if position.group(1) is not None:  # inside an included file
                included = next((i for i in includes if i.literal == position.group(1)), None)
                if included is not None:
                    where_path, text = included.path, included.text
                else:
                    position = None
        if position:
            offset = len(text.encode("utf-8")[: int(position.group(2))]
                         .decode("utf-8", errors="ignore"))
            line, col = line_col(text, offset)
        where = f"{where_path}:{line}:{col}" if line is not None else str(where_path)
        hint = "check the MJML syntax there"
        quoted = _QUOTE_IN_MUSTACHE.search(source)
        if line is None and quoted:
            line, col = line_col(source, quoted.end() - 1)
            where = f"{path}:{line}:{col}"
        if "unable to parse next template" in message:
            hint = ("check the tag there; a Handlebars expression with double quotes inside "
                    "an attribute (href=\"{{link \"x\"}}\") must use single quotes")
        if "unexpected element in template from" in message:
            hint = ("MRML does not allow <mj-include> at the top level of an included file; "
                    "put it inside an element (e.g. a column) or include it from the main file")
        raise RenderError(f"{where}: MJML error: {message}", hint=hint,
                          path=str(where_path), line=line, column=col) from None


@lru_cache(maxsize=128)
def _compile(source: str, includes: tuple[tuple[str, str], ...]) -> str:
    """MRML's HTML for ``source`` with in-memory ``includes`` (path as written, text).
    Cached: the output depends on nothing else, and the linter and the preview load the
    same emails again and again."""
    data: Mapping[str, str] = dict(includes)
    options = mrml.ParserOptions(include_loader=mrml.memory_loader(dict(data)))
    return mrml.to_html(source, parser_options=options).content
