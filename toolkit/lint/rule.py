"""The rule contract: what a rule declares, what it receives, what it yields.

A rule is a small class holding data plus one generator (``check``):

- ``CODE``: stable, a family letter and three digits (``L004``); never reused.
- ``NAME``: kebab-case (``sms-multipart``); shown next to the code.
- ``SEVERITY``: the default (``error``, ``warning`` or ``info``); config can change it.
- ``SCOPE``: when it runs. ``loader``: the finding comes from the loader (structure rules
  are listed so that they can be selected, ignored and re-graded like the others);
  ``channel``: once per template channel, on the raw template (``ChannelContext``);
  ``rendered``: once per channel and fixture, on the rendered output (``RenderedContext``).
- ``CHANNELS``: the channels it applies to (None = all).
- The docstring: first line = summary, then the reasoning, then a failing and a passing
  example (``Fails:``/``Passes:``). ``docs/lint.md`` is generated from it.

``check`` yields :class:`Problem` values (a message, where, and a hint). It never sets the
code or severity: the runner stamps them, applies directives and selection, and sorts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from toolkit.model import Channel, Fixture, Location, Part, Repository, Template

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Environment
    from toolkit.dialects import Dialect

Scope = Literal["loader", "channel", "rendered"]


def _default_dialect() -> Dialect:
    from toolkit.dialects import PINPOINT

    return PINPOINT


@dataclass(frozen=True)
class Problem:
    """What a rule found. ``location`` None means the channel's manifest file."""

    message: str
    location: Location | None = None
    hint: str | None = None
    fixture: str | None = None  # for a raw-template rule that looked at a fixture's data


@dataclass
class ChannelContext:
    """One template channel as a raw-template rule sees it.

    ``programs`` maps a part's field to its parsed Handlebars AST of ``part.text`` (parts that
    failed to parse are absent). ``dialect`` is the target dialect the channel is checked
    against (variable roots, helpers, limits); ``environments`` are the configuration's
    environments (where the channel is published). ``locate(part, line, column)`` turns a
    line:column inside ``part.text`` into a file location, ``locate_source`` one inside the
    author's source (the MJML file for an MJML email). ``values(parts)`` looks a variable up
    in every fixture."""

    repo: Repository
    template: Template
    channel: Channel
    fixtures: tuple[Fixture, ...]
    programs: dict[str, Any]
    read: Callable[[str], str | None] | None = None  # repository file text by relative path
    dialect: Dialect = field(default_factory=_default_dialect)
    email_clients: tuple[str, ...] = ()  # the clients E007/E008 check (empty = the default)
    environments: tuple[Environment, ...] = ()  # the config's [env.NAME] (T rules)
    _analysis: dict[str, tuple[list[Any], list[Any]]] | None = field(default=None, repr=False)
    _layers: dict[str | None, Any] = field(default_factory=dict, repr=False)
    _values: dict[tuple[str, ...], tuple[Any, ...]] = field(default_factory=dict, repr=False)
    _defaults: tuple[Any, ...] | None = field(default=None, repr=False)
    _roots: frozenset[str] | None = field(default=None, repr=False)

    def analysis(self) -> dict[str, tuple[list[Any], list[Any]]]:
        """Per parsed part: (helper calls, variable uses), see ``toolkit.lint.hbs``."""
        if self._analysis is None:
            from toolkit.lint.hbs import walk_program

            self._analysis = {f: walk_program(p, self.dialect.helpers)
                              for f, p in self.programs.items()}
        return self._analysis

    def source(self, part: Part) -> str:
        """What the author wrote for this part (MJML source, or the text)."""
        return part.source if part.source is not None else part.text

    def locate(self, part: Part | None, line: int, column: int) -> Location:
        """A line:column inside ``part.text`` (what the AST was parsed from) in its file."""
        from toolkit.render import file_position

        if part is None:
            return self.manifest_location()
        loc = part.location
        manifest_text = None
        if loc.path.endswith(".json") and part.source is None and self.read:
            manifest_text = self.read(loc.path)
        file_line, file_column = file_position(part, line, column, manifest_text=manifest_text)
        return Location(loc.path, file_line, file_column)

    def locate_source(self, part: Part, line: int, column: int) -> Location:
        """A line:column inside the author's source of ``part`` (MJML or text) in its file."""
        if part.source is None:
            return self.locate(part, line, column)
        base_line = part.location.line or 1
        base_column = part.location.column or 1
        return Location(part.location.path, base_line + line - 1,
                        column + (base_column - 1 if line == 1 else 0))

    def manifest_location(self) -> Location:
        return Location(self.channel.manifest_path)

    def default_entries(self) -> tuple[Any, ...]:
        """Every value of the channel's defaults as its dialect reads them
        (``toolkit.lint.rules.variables.default_entries``), worked out once per channel:
        several rules ask."""
        if self._defaults is None:
            from toolkit.lint.rules.variables import default_entries

            self._defaults = tuple(default_entries(self.channel.default_substitutions,
                                                   self.dialect))
        return self._defaults

    def variable_roots(self) -> frozenset[str]:
        """Top-level names that have a value besides the endpoint fields: the roots the
        channel's defaults give a value to (``DefaultSubstitutions`` keys) and the keys of
        fixtures' send-time Substitutions."""
        if self._roots is not None:
            return self._roots
        names = {e.variable[0] for e in self.default_entries() if e.variable}
        if self.dialect.default_variable is not None:
            names -= self.dialect.roots  # defaults fill table variables (Connect): no new root
        for fixture in self.fixtures:
            names.update(str(k).split(".")[0] for k in fixture.substitutions)
        self._roots = frozenset(names)
        return self._roots

    def values(self, parts: tuple[str, ...]) -> list[tuple[Fixture | None, Any]]:
        """(fixture, value at ``parts``) for every fixture (or (None, default) when there is
        none), as the context the template renders with has it (``Dialect.context_layers``:
        the same layers and precedence as rendering), without building that context."""
        from toolkit.lint.hbs import resolve_layers

        known = self._values.get(parts)
        if known is not None:  # several rules, and several uses of one variable, ask
            return list(known)
        out = []
        for fixture in self.fixtures or (None,):
            key = fixture.name if fixture is not None else None
            layers = self._layers.get(key)
            if layers is None:
                layers = self._layers[key] = self.dialect.context_layers(self.channel, fixture)
            out.append((fixture, resolve_layers(layers, parts)))
        self._values[parts] = tuple(out)
        return out


@dataclass
class RenderedContext:
    """One channel rendered with one fixture, as a rendered-output rule sees it.

    ``rendered`` is a ``toolkit.render.Rendered`` (``fields``: field -> text, ``body``: the
    request body with rendered parts, ``missing``: variables without a value); ``context``
    the data it was rendered with (``Dialect.context``; None when not at hand). Rules only
    read it."""

    channel_context: ChannelContext
    fixture: Fixture | None
    rendered: Any
    context: Any = None

    @property
    def channel(self) -> Channel:
        return self.channel_context.channel

    @property
    def dialect(self) -> Dialect:
        """The target dialect the channel is checked against."""
        return self.channel_context.dialect

    def location_of(self, field_name: str) -> Location:
        """Where the part holding ``field_name`` begins (else the manifest)."""
        part = self.channel.part(field_name)
        if part is not None:
            return part.location
        return self.channel_context.manifest_location()


class Rule:
    """Base class of every rule (see the module docs)."""

    CODE: ClassVar[str] = ""
    NAME: ClassVar[str] = ""
    SEVERITY: ClassVar[str] = "error"
    SCOPE: ClassVar[Scope] = "channel"
    CHANNELS: ClassVar[frozenset[str] | None] = None

    @classmethod
    def applies_to(cls, channel: str) -> bool:
        return cls.CHANNELS is None or channel in cls.CHANNELS

    @classmethod
    def check(cls, ctx: Any) -> Iterator[Problem]:  # pragma: no cover - overridden
        return iter(())

    @classmethod
    def summary(cls) -> str:
        """The docstring's first paragraph on one line."""
        first = (cls.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(line.strip() for line in first.splitlines())
