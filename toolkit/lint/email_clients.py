"""Email-client support: which HTML and CSS features an email uses, and which mail clients
lack them (the data behind lint rules E007 and E008 and the preview's client panel).

The data is a dated snapshot of "Can I email" (https://www.caniemail.com, CC BY 4.0) in
``toolkit/lint/data/caniemail.json``, written by ``tests/lint/caniemail/snapshot.py`` from
the npm ``caniemail`` package; nothing is fetched at run time. For each feature it holds the
support of the latest version caniemail tested in each client (``n`` none, ``a`` partial,
``u`` unknown; full support is left out) and how to find the feature in HTML (``match``).
"Not supported" whose only notes say "Buggy." (Yahoo "replaces height by min-height") is
read as partial support: the feature works, differently.

``uses(html)`` scans the HTML once (cached by text) and lists every feature use with its
offset; what each client sees is part of the use:

- content between ``<!--[if !mso]><!-->`` and ``<!--<![endif]-->`` is hidden from Outlook for
  Windows; content inside ``<!--[if mso]>...<![endif]-->`` is a comment for every other
  client and is written for Outlook itself, so it is not scanned;
- CSS inside ``@media``/``@supports`` only reaches the clients that support those at-rules
  (``requires``);
- a declaration that sets a property to its "off" value (``outline: none``, ``margin: 0``)
  looks the same in a client that ignores the property, so it is no use of it.

``needle`` is a regular expression for what an author writes to get the feature; for an MJML
email only what the author wrote is reported (what MJML adds on its own comes with its own
fallbacks, and the author cannot change it).
"""

from __future__ import annotations

import bisect
import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "caniemail.json"
# Features whose lack changes nothing a reader sees, by caniemail's own notes: they are
# never reported.
NO_EFFECT = {
    "html-doctype": "caniemail: \"The HTML5 doctype has no impact\" in the clients that "
                    "ignore it",
    "html-target": "caniemail: the clients that ignore target open links in a new window "
                   "anyway",
}
# Conditional CSS: a client that ignores @media or @supports (or a media feature) renders
# the email as if the condition were false, which the email must look right with anyway.
# What is inside such a block is checked for the clients that read it. The color-scheme
# meta tag and property only tell a client that the email has a dark version; one that
# ignores them renders the email as it would without them.
CONDITIONAL = frozenset({"css-at-media", "css-at-supports", "css-at-media-device-pixel-ratio",
                         "css-at-media-hover", "css-at-media-orientation",
                         "css-at-media-prefers-color-scheme",
                         "css-at-media-prefers-reduced-motion", "html-meta-color-scheme",
                         "css-color-scheme"})
DEFAULT_CLIENTS = ("gmail.desktop-webmail", "gmail.ios", "gmail.android", "outlook.windows",
                   "outlook.outlook-com", "apple-mail.macos", "apple-mail.ios",
                   "yahoo.desktop-webmail")
OUTLOOK_WORD = "outlook.windows"  # the client that reads <!--[if mso]> comments
MAX_HTML = 1_000_000  # characters; larger HTML is only size-checked (as the markup rules)

# A declaration that sets a property to its initial value looks the same in a client that
# ignores the property: property (or prefix + "-*") -> initial values. ``display`` and
# ``visibility`` are left out on purpose (hiding content matters).
_ZERO = r"0(px|pt|em|rem|%)?"
_INITIAL: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"^({values})$") for names, values in (
        (("outline", "border", "border-*", "box-shadow", "text-shadow", "text-decoration",
          "text-decoration-*", "text-transform", "float", "filter", "transform",
          "transition", "animation", "list-style", "list-style-type", "background-image",
          "max-width", "max-height"), rf"none|{_ZERO}(\s+{_ZERO})*"),
        (("margin", "margin-*", "padding", "padding-*", "text-indent", "letter-spacing",
          "word-spacing"), rf"normal|{_ZERO}(\s+{_ZERO})*"),
        (("width", "height", "min-width", "min-height", "cursor", "z-index", "left", "right",
          "top", "bottom"), "auto"),
        (("opacity",), r"1(\.0*)?"),
        (("position",), "static"),
        (("overflow",), "visible"),
    ) for name in names}


def _is_initial(name: str, value: str) -> bool:
    pattern = _INITIAL.get(name)
    if pattern is None and "-" in name:
        pattern = _INITIAL.get(name.split("-")[0] + "-*")
    return pattern is not None and bool(pattern.match(value.strip().lower()))


@dataclass(frozen=True)
class Use:
    """One feature used in an email's HTML: the first place of each distinct spelling
    (``detail``), and how many times that spelling occurs (``count``)."""

    feature: str  # caniemail slug, e.g. css-border-radius
    offset: int  # where in the HTML (the first occurrence)
    kind: str  # element, attribute, property, value, function, unit, keyword, at-rule,
    #            media-feature, pseudo, selector, important, custom-property, comment,
    #            doctype, image
    detail: str  # what was found: "border-radius", "link", ":hover", ".a .b"
    requires: tuple[str, ...] = ()  # features a client must support for the use to reach it
    hidden_from_outlook: bool = False  # inside <!--[if !mso]><!--> ... <!--<![endif]-->
    count: int = 1

    @property
    def needle(self) -> str:
        """A regular expression for what an author writes to get this use (searched in MJML
        sources and their includes)."""
        return _needle(self.kind, self.detail)


def _needle(kind: str, detail: str) -> str:
    if kind == "element":
        return rf"<{re.escape(detail)}\b" + (r"|<mj-font\b" if detail == "link" else "")
    if kind == "attribute":
        return _word(detail.split("=")[0]) + r"\s*="
    if kind == "property":  # a declaration or an MJML attribute, not a media feature
        return rf"(?<![\w(-]){re.escape(detail)}\s*[:=]"
    if kind == "value":  # "display: flex"
        name, _, value = detail.partition(": ")
        return _word(name) + r"\s*[:=]\s*[\"']?" + re.escape(value.split()[0] if value else "")
    if kind == "function":
        return rf"(?<![\w-]){re.escape(detail)}\("
    if kind == "unit":
        return rf"\d{re.escape(detail)}" + ("" if detail == "%" else r"(?![\w-])")
    if kind == "at-rule":
        return rf"@{re.escape(detail)}\b" + (r"|<mj-font\b" if detail in ("import", "font-face")
                                             else "")
    if kind == "selector":  # as CSS writes it: followed by "{" or ","
        return (r"(?<![\w.#:-])" + r"\s*".join(re.escape(p) for p in detail.split())
                + r"(?=\s*[{,])")
    if kind == "pseudo":
        return re.escape(detail) + r"(?![\w-])"
    if kind == "important":
        return r"!\s*important"
    if kind == "comment":
        return r"/\*" if detail == "css" else r"<!--(?!\[if|<!)"
    if kind == "doctype":
        return r"<!doctype\s+html\s*>"
    if kind == "image":
        return r"data:image/" if detail == "data:" else re.escape(detail)
    return _word(detail)  # keyword, media-feature, custom-property


@dataclass(frozen=True)
class Support:
    status: str  # y, a, n or u
    notes: tuple[str, ...] = ()


# ------------------------------------------------------------------------------- the data

@lru_cache(maxsize=1)
def data() -> Mapping[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def client_ids() -> tuple[str, ...]:
    return tuple(data()["clients"])


def client_name(client: str) -> str:
    return str(data()["clients"].get(client, client))


def expand_clients(globs: Iterable[str]) -> tuple[str, ...]:
    """Client ids matching the globs (``gmail.*``, ``*.ios``), in the data's order; a glob
    that matches nothing raises ValueError naming it."""
    known = client_ids()
    chosen: set[str] = set()
    for glob in globs:
        found = fnmatch.filter(known, glob)
        if not found:
            raise ValueError(glob)
        chosen.update(found)
    return tuple(c for c in known if c in chosen)


def feature(slug: str) -> Mapping[str, Any]:
    return data()["features"][slug]


@lru_cache(maxsize=None)
def support(slug: str, client: str) -> Support:
    info = data()["features"][slug]
    raw = info["support"].get(client, "y")
    numbers = re.findall(r"#(\d+)", raw)
    notes = tuple(_plain(info["notes"][n]) for n in numbers if n in info["notes"])
    status = raw[:1]
    if status == "n" and notes and all(note.startswith("Buggy") for note in notes):
        status = "a"  # "Buggy. Replaces height by min-height.": it works, differently
    return Support(status, notes)


def reaches(use: Use, client: str) -> bool:
    """Whether ``client`` sees the use at all (conditional comments, @media, @supports)."""
    if use.hidden_from_outlook and client == OUTLOOK_WORD:
        return False
    return not use.requires or all(support(slug, client).status != "n"
                                   for slug in use.requires)


def _plain(note: str) -> str:
    """A note without Markdown links and code marks."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", note).replace("`", "")


# ------------------------------------------------------------------------------ the index

@dataclass(frozen=True)
class _Index:
    elements: Mapping[str, tuple[tuple[str, str | None, re.Pattern[str] | None], ...]]
    attributes: Mapping[str, tuple[tuple[str, frozenset[str] | None, re.Pattern[str] | None],
                                   ...]]
    properties: Mapping[str, tuple[tuple[str, re.Pattern[str] | None], ...]]
    functions: Mapping[str, str]
    units: Mapping[str, str]
    keywords: Mapping[str, str]
    at_rules: Mapping[str, str]
    media_features: Mapping[str, str]
    pseudo: Mapping[str, str]
    selectors: Mapping[str, str]
    flags: Mapping[str, str]
    image_formats: Mapping[str, str]


@lru_cache(maxsize=1)
def _index() -> _Index:
    elements: dict[str, list[Any]] = {}
    attributes: dict[str, list[Any]] = {}
    properties: dict[str, list[Any]] = {}
    maps: dict[str, dict[str, str]] = {k: {} for k in (
        "functions", "units", "keywords", "at_rules", "media_features", "pseudo",
        "image_formats")}
    selectors: dict[str, str] = {}
    flags: dict[str, str] = {}
    for slug, info in data()["features"].items():
        match = info.get("match")
        if not match:
            continue
        pattern = re.compile(match["pattern"], re.IGNORECASE) if "pattern" in match else None
        if "attributes" in match:
            scope = frozenset(match["elements"]) if "elements" in match else None
            for name in match["attributes"]:
                attributes.setdefault(name, []).append((slug, scope, pattern))
        elif "elements" in match:
            for name in match["elements"]:
                elements.setdefault(name, []).append((slug, None, None))
        if "properties" in match:
            values = re.compile(match["values"], re.IGNORECASE) if "values" in match else None
            for name in match["properties"]:
                properties.setdefault(name, []).append((slug, values))
        for kind, table in maps.items():
            for name in match.get(kind, ()):
                table[name.lower()] = slug
        if "selector" in match:
            selectors[match["selector"]] = slug
        for flag in ("important", "css_comments", "html_comments", "doctype",
                     "custom_properties", "nesting", "data_images"):
            if match.get(flag):
                flags[flag] = slug
    return _Index(
        elements={k: tuple(v) for k, v in elements.items()},
        attributes={k: tuple(v) for k, v in attributes.items()},
        properties={k: tuple(v) for k, v in properties.items()},
        selectors=selectors, flags=flags, **maps)


# ------------------------------------------------------------------------------- scanning

_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_CONDITIONAL = re.compile(r"\s*(\[if\b|<!|>|$)|.*\[endif\]", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_AT_RULE = re.compile(r"@(?:-[a-z]+-)?([a-zA-Z-]+)")
_MIN_MAX = re.compile(r"^(min|max)-(?!device-pixel)")
_HIDES = re.compile(r"(?<![\w-])display\s*:\s*none\b", re.IGNORECASE)
_IMPORTANT = re.compile(r"!\s*important\s*$", re.IGNORECASE)
_REVEALED_START = re.compile(r"<!--\[if\s+!mso[^\]]*\]>\s*<!-*>", re.IGNORECASE)
_REVEALED_END = re.compile(r"<!--\s*<!\[endif\]\s*-->", re.IGNORECASE)
_DOCTYPE_HTML5 = re.compile(r"<!doctype\s+html\s*>", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*("([^"]*)"|'([^']*)')""", re.IGNORECASE)
_CSS_TOKEN = re.compile(
    r"/\*.*?\*/|\{\{\{?.*?\}\}\}?|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|[{};]",
    re.DOTALL)
_FUNCTION = re.compile(r"(?<![\w-])([a-zA-Z-]+)\(")
_UNIT = re.compile(r"(?<![\w#.-])-?(?:\d+\.?\d*|\.\d+)(%|[a-zA-Z]+\b)")
_WORD = re.compile(r"(?<![\w-])([a-zA-Z][\w-]*)")
_STRINGS_AND_URLS = re.compile(r"url\([^)]*\)|\"[^\"]*\"|'[^']*'|\{\{.*?\}\}", re.DOTALL)
_MEDIA_FEATURE = re.compile(r"\(\s*([a-zA-Z-]+)")
_PSEUDO = re.compile(r"::?([a-zA-Z-]+)")
_SELECTOR_PARTS = re.compile(
    r"\[[^\]]*\]|::?[a-zA-Z-]+(?:\([^)]*\))?|#[\w-]+|\.[\w-]+|\*|[a-zA-Z][\w-]*|\s*[>+~]\s*|\s+")
_IMAGE_EXTENSION = re.compile(r"\.([a-zA-Z0-9]{2,5})(?:[?#]|$)")


def _word(name: str) -> str:
    return rf"(?<![\w-]){re.escape(name)}(?![\w-])"


def _comments(html: str) -> Iterator[tuple[int, str]]:
    """(start, text inside) of each ``<!-- ... -->``, as ``_COMMENT.finditer`` finds them;
    ``find`` loops, linear: once a ``<!--`` has no ``-->`` after it, no later one has, where
    the regex scanned to the end again from each (minutes for many ``<!--[if mso]>``)."""
    position = 0
    while (start := html.find("<!--", position)) >= 0:
        end = html.find("-->", start + 4)
        if end < 0:
            return
        yield start, html[start + 4:end]
        position = end + 3


class _Scanner:
    def __init__(self, html: str) -> None:
        self.html = html
        self.index = _index()
        self.found: dict[tuple[str, str, str, tuple[str, ...], bool], list[int]] = {}
        starts, ends = [], []
        end: re.Match[str] | None = None
        none_left = False  # no end after some start: none after the later ones either
        for match in _REVEALED_START.finditer(html):
            if not none_left and (end is None or end.start() < match.end()):
                end = _REVEALED_END.search(html, match.end())  # else the next end is still it
                none_left = end is None
            starts.append(match.end())
            ends.append(len(html) if none_left or end is None else end.start())
        self.revealed = (starts, ends)

    def hidden_from_outlook(self, offset: int) -> bool:
        starts, ends = self.revealed
        if not starts:
            return False
        i = bisect.bisect_right(starts, offset) - 1
        return i >= 0 and offset < ends[i]

    def add(self, slug: str | None, offset: int, kind: str, detail: str,
            requires: tuple[str, ...] = ()) -> None:
        if slug is None:
            return
        key = (slug, kind, detail, requires, self.hidden_from_outlook(offset))
        seen = self.found.get(key)
        if seen is None:
            self.found[key] = [offset, 1]
        else:
            seen[1] += 1

    # --- HTML ---------------------------------------------------------------------------
    def scan(self) -> tuple[Use, ...]:
        from toolkit.lint.markup import scan

        html, flags = self.html, self.index.flags
        doctype = _DOCTYPE_HTML5.search(html)
        if doctype:
            self.add(flags.get("doctype"), doctype.start(), "doctype", "<!DOCTYPE html>")
        if "html_comments" in flags:
            for start, inner in _comments(html):
                if not _CONDITIONAL.match(inner):
                    self.add(flags["html_comments"], start, "comment", "html")
        lower = None
        for tag in scan(html)[0]:  # start tags, shared with the markup rules (cached)
            self.element(tag)
            if tag.name == "style":
                lower = lower or html.lower()
                end = lower.find("</style", tag.end)
                self.stylesheet(tag.end, len(html) if end < 0 else end, ())
        uses = [Use(slug, offset, kind, detail, requires, hidden, count)
                for (slug, kind, detail, requires, hidden), (offset, count) in self.found.items()]
        uses.sort(key=lambda u: u.offset)
        return tuple(uses)

    def element(self, tag: Any) -> None:
        index, add = self.index, self.add
        for slug, _, _ in index.elements.get(tag.name, ()):
            add(slug, tag.start, "element", tag.name)
        for name, value in tag.attrs.items():
            for slug, elements, pattern in index.attributes.get(name, ()):
                if elements is not None and tag.name not in elements:
                    continue
                if pattern is not None and not pattern.search(value or ""):
                    continue
                add(slug, tag.start, "attribute", name)
        if tag.name in ("img", "source") and tag.attrs.get("src"):
            self.image(tag.attrs["src"] or "", tag.start)
        if tag.attrs.get("style"):
            found = _STYLE_ATTR.search(self.html, tag.start, tag.end)
            if found:
                group = 2 if found.group(2) is not None else 3
                self.declarations(found.start(group), found.end(group), ())

    def image(self, src: str, offset: int) -> None:
        if src.startswith("data:image/"):
            self.add(self.index.flags.get("data_images"), offset, "image", "data:")
            return
        if "{{" in src:
            return
        found = _IMAGE_EXTENSION.search(src.split("?")[0].split("#")[0])
        if found:
            self.add(self.index.image_formats.get(found.group(1).lower()), offset, "image",
                     src[:200])

    # --- CSS ----------------------------------------------------------------------------
    def stylesheet(self, start: int, end: int, requires: tuple[str, ...]) -> None:
        """Rules, at-rules and declarations between ``start`` and ``end``."""
        html, index = self.html, self.index
        # frames: (kind, requires, hides); kind is rules, decls, keyframes or skip; hides:
        # a declaration block with display: none
        frames: list[tuple[str, tuple[str, ...], bool]] = [("rules", requires, False)]
        segment = start
        # where each "}" and each "display: none" is, found once (a search from every "{"
        # to the end of a sheet of many unclosed blocks took minutes)
        closes = [m.start() for m in re.finditer(r"\}", html[start:end])]
        hiding = [m.start() for m in _HIDES.finditer(html, start, end)]
        for token in _CSS_TOKEN.finditer(html, start, end):
            text = token.group(0)
            if text.startswith("/*"):
                self.add(index.flags.get("css_comments"), token.start(), "comment", "css")
                if not html[segment:token.start()].strip():
                    segment = token.end()
                continue
            if text not in "{};":
                continue
            kind, scope, hides = frames[-1]
            prelude_start = _skip_space(html, segment, token.start())
            prelude = _CSS_COMMENT.sub(" ", html[prelude_start:token.start()]).strip()
            if text == "{":
                inner, inner_scope = self.open_block(kind, scope, prelude, prelude_start)
                i = bisect.bisect_left(closes, token.end() - start)
                block_end = closes[i] + start if i < len(closes) else end
                j = bisect.bisect_left(hiding, token.end())
                frames.append((inner, inner_scope, inner == "decls" and j < len(hiding)
                               and hiding[j] < block_end))
            elif text == ";":
                if kind == "decls":
                    self.declarations(segment, token.start(), scope, hides)
                elif kind == "rules" and prelude.startswith("@"):
                    self.at_rule(prelude, prelude_start, scope)
            else:  # }
                if kind == "decls":
                    self.declarations(segment, token.start(), scope, hides)
                if len(frames) > 1:
                    frames.pop()
            segment = token.end()

    def open_block(self, kind: str, scope: tuple[str, ...], prelude: str,
                   offset: int) -> tuple[str, tuple[str, ...]]:
        if kind == "skip":
            return ("skip", scope)
        if kind == "keyframes":
            return ("decls", scope)
        if prelude.startswith("@"):
            name = self.at_rule(prelude, offset, scope)
            if name in ("media", "supports"):
                slug = self.index.at_rules.get(name)
                return ("rules", scope + ((slug,) if slug else ()))
            if name in ("font-face", "page"):
                return ("decls", scope)
            if name.endswith("keyframes"):
                return ("keyframes", scope)
            return ("skip", scope)
        if kind == "decls":  # a rule inside a rule: CSS nesting
            self.add(self.index.flags.get("nesting"), offset, "selector", prelude[:80])
        self.selector(prelude, offset, scope)
        return ("decls", scope)

    def at_rule(self, prelude: str, offset: int, scope: tuple[str, ...]) -> str:
        name = _AT_RULE.match(prelude)
        if name is None:
            return ""
        at = name.group(1).lower()
        self.add(self.index.at_rules.get(at), offset, "at-rule", at, scope)
        if at == "media":
            for feature in _MEDIA_FEATURE.finditer(prelude):
                media = _MIN_MAX.sub("", feature.group(1).lower())
                self.add(self.index.media_features.get(media), offset, "media-feature",
                         media, scope)
        return at

    def selector(self, prelude: str, offset: int, scope: tuple[str, ...]) -> None:
        if "{{" in prelude:
            return
        index, add = self.index, self.add
        groups = [g.strip() for g in prelude.split(",") if g.strip()]
        if len(groups) > 1:
            add(index.selectors.get("grouping"), offset, "selector", " ".join(prelude.split()))
        for group in groups:
            detail = " ".join(group.split())
            for pseudo in _PSEUDO.finditer(group):
                add(index.pseudo.get(pseudo.group(1).lower()), offset, "pseudo",
                    pseudo.group(0), scope)
            for kind in _selector_kinds(group):
                add(index.selectors.get(kind), offset, "selector", detail, scope)

    def declarations(self, start: int, end: int, scope: tuple[str, ...],
                     hides: bool | None = None) -> None:
        """Declarations between ``start`` and ``end``. In a block that hides its element
        (``display: none``; ``hides``, found here when None) the other declarations are
        fallbacks of the same hiding (``visibility: hidden; max-height: 0; opacity: 0`` in
        a pre-header): only the hiding itself is a use."""
        block = self.html[start:end]
        if hides is None:
            hides = _HIDES.search(block) is not None
        position = start
        for piece in block.split(";"):
            colon = piece.find(":")
            if colon > 0:
                lead = len(piece) - len(piece.lstrip())
                name = piece[lead:colon].strip().lower()
                if not hides or name == "display":
                    self.declaration(name, piece[colon + 1:], position + lead, scope)
            position += len(piece) + 1

    def declaration(self, name: str, value: str, offset: int, scope: tuple[str, ...]) -> None:
        index, add = self.index, self.add
        if not name or "{{" in name:
            return
        if name.startswith("--"):
            add(index.flags.get("custom_properties"), offset, "custom-property", name, scope)
            return
        value = value.strip()
        important = _IMPORTANT.search(value)
        if important:
            value = value[:important.start()].strip()
            add(index.flags.get("important"), offset, "important", "!important", scope)
        bare = _STRINGS_AND_URLS.sub(" ", value) if ("(" in value or "'" in value
                                                     or '"' in value or "{" in value) else value
        properties = index.properties.get(name)
        if properties and not _is_initial(name, bare):
            for slug, values in properties:
                if values is None:
                    add(slug, offset, "property", name, scope)
                elif values.search(value):
                    add(slug, offset, "value", f"{name}: {value}", scope)
        if "(" in bare:
            for function in _FUNCTION.finditer(bare):
                fname = function.group(1).lower()
                if fname == "var":
                    add(index.flags.get("custom_properties"), offset, "function", "var", scope)
                add(index.functions.get(fname), offset, "function", fname, scope)
        for unit in _UNIT.finditer(bare):
            add(index.units.get(unit.group(1).lower()), offset, "unit", unit.group(1).lower(),
                scope)
        for word in _WORD.finditer(bare):
            keyword_slug = index.keywords.get(word.group(1).lower())
            if keyword_slug:
                add(keyword_slug, offset, "keyword", word.group(1).lower(), scope)


def _selector_kinds(group: str) -> set[str]:
    """The caniemail selector features one complex selector uses (``.a .b`` is class and
    descendant; ``.a.b`` chains two classes)."""
    kinds: set[str] = set()
    classes = 0
    for part in _SELECTOR_PARTS.findall(group):
        stripped = part.strip()
        first = part[:1]
        if first == "[":
            kinds.add("attribute")
        elif first == ":":
            continue
        elif first == "#":
            kinds.add("id")
        elif first == ".":
            kinds.add("class")
            classes += 1
            if classes >= 2:
                kinds.add("chaining")
            continue
        elif part == "*":
            kinds.add("universal")
        elif stripped in _COMBINATORS:
            kinds.add(_COMBINATORS[stripped])
        else:
            kinds.add("type")
            continue
        if first != "[" and first != "#":
            classes = 0
    return kinds


_COMBINATORS = {">": "child", "+": "adjacent-sibling", "~": "general-sibling",
                "": "descendant"}


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


@lru_cache(maxsize=256)
def uses(html: str) -> tuple[Use, ...]:
    """Every feature use in ``html``, in document order (nothing for HTML over MAX_HTML)."""
    if len(html) > MAX_HTML:
        return ()
    return _Scanner(html).scan()


# ------------------------------------------------------------------------------- findings

@dataclass(frozen=True)
class Gap:
    """A feature the email uses that some of the chosen clients lack or only partly support.
    ``uses`` are the uses that reach those clients, first first."""

    feature: str
    title: str
    url: str
    unsupported: tuple[str, ...]
    partial: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]  # (client, note)
    uses: tuple[Use, ...]


def gaps(found: Sequence[Use], clients: Sequence[str]) -> list[Gap]:
    """Per feature (in order of first use): the clients among ``clients`` that the feature's
    uses reach and that lack it (``n``) or support it in part (``a``)."""
    by_feature: dict[str, list[Use]] = {}
    for use in found:
        by_feature.setdefault(use.feature, []).append(use)
    out = []
    clients = tuple(clients)
    for slug, feature_uses in by_feature.items():
        if slug in NO_EFFECT or slug in CONDITIONAL:
            continue
        unsupported: list[str] = []
        partial: list[str] = []
        notes: list[tuple[str, str]] = []
        reaching: list[Use] = []
        for client, state in _lacking(slug, clients):
            hits = [u for u in feature_uses if reaches(u, client)]
            if not hits:
                continue
            (unsupported if state.status == "n" else partial).append(client)
            notes.extend((client, note) for note in state.notes)
            reaching.extend(u for u in hits if u not in reaching)
        if unsupported or partial:
            info = feature(slug)
            reaching.sort(key=lambda u: u.offset)
            out.append(Gap(slug, info["title"], info["url"], tuple(unsupported),
                           tuple(partial), tuple(notes), tuple(reaching)))
    return out


@lru_cache(maxsize=8192)
def _lacking(slug: str, clients: tuple[str, ...]) -> tuple[tuple[str, Support], ...]:
    """The clients (of ``clients``) that lack ``slug`` or support it in part."""
    return tuple((c, state) for c in clients
                 if (state := support(slug, c)).status in ("n", "a"))


def describe_clients(clients: Sequence[str]) -> str:
    """``Gmail (Desktop Webmail, iOS)`` and ``Outlook (Windows)``: grouped by family."""
    families: dict[str, list[str]] = {}
    for client in clients:
        name = client_name(client)
        family, _, platform = name.partition(" (")
        families.setdefault(family, []).append(platform.rstrip(")"))
    return ", ".join(f"{family} ({', '.join(platforms)})" for family, platforms in
                     families.items())


def author_match(needle: str, sources: Sequence[tuple[str, str]]) -> tuple[str, int] | None:
    """The first place where an author wrote ``needle`` among (path, text) sources."""
    pattern = re.compile(needle, re.IGNORECASE)
    for path, text in sources:
        found = pattern.search(text)
        if found:
            return path, found.start()
    return None


