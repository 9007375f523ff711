"""Which (template, channel, fixture) a command means: the one resolver ``ptk render``, the
preview and ``ptk send`` share.

Rules:

- *template*: named; it must have loaded (a template whose files are broken is an
  InputError carrying the loader's findings);
- *channel*: named, or left out when the template has exactly one channel;
- *fixture*: named (a template's own ``fixtures/<name>.json`` wins over a shared one of the
  same name), or left out: then :data:`DEFAULT_FIXTURE` (``full-profile``) when the template
  has it, else the first of its fixtures by name, else none (the template's defaults only).
  :data:`NO_FIXTURE` names "no fixture" explicitly.

Names that do not exist raise :class:`NotFound` (a UsageError, exit 2) saying what was
looked for and what exists; files that exist but failed to load raise InputError with their
findings (also exit 2). Nothing here reads files: it looks in a loaded Repository.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from toolkit.errors import InputError, UsageError
from toolkit.model import CHANNELS, Channel, Finding, Fixture, Repository, Template

DEFAULT_FIXTURE = "full-profile"
NO_FIXTURE = "(none)"


@dataclass(frozen=True)
class Resolved:
    """What to render: a template, one of its channels, and a fixture (None = defaults only)."""

    template: Template
    channel: Channel
    fixture: Fixture | None


class NotFound(UsageError):
    """A template, channel or fixture name that does not exist. ``what`` says which,
    ``name`` is the name asked for, ``known`` what exists (for a front end's own message)."""

    def __init__(self, message: str, *, what: Literal["template", "channel", "fixture"],
                 name: str, known: Sequence[str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.what = what
        self.name = name
        self.known = tuple(known)


def default_fixture(fixtures: Sequence[Fixture]) -> Fixture | None:
    """The fixture used when none is named (see the module rules)."""
    by_name = {f.name: f for f in fixtures}
    if DEFAULT_FIXTURE in by_name:
        return by_name[DEFAULT_FIXTURE]
    return by_name[min(by_name)] if by_name else None


def resolve(repo: Repository, name: str, channel: str | None = None,
            fixture: str | None = None, *, template_names: Sequence[str] = (),
            templates_folder: str = "templates") -> Resolved:
    """The (template, channel, fixture) that ``name``, ``channel`` and ``fixture`` mean in
    ``repo``. ``template_names`` are every template folder (listed when ``name`` is
    unknown); ``templates_folder`` is named in the hint."""
    template = _template(repo, name, template_names, templates_folder)
    chosen_channel = _channel(repo, template, channel)
    return Resolved(template, chosen_channel, _fixture(repo, template, fixture))


def _errors(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _broken(what: str, problems: list[Finding]) -> InputError:
    return InputError(f"{what} could not be loaded", problems=problems,
                      hint="fix the problems above (ptk lint shows them all)")


def _template(repo: Repository, name: str, template_names: Sequence[str],
              templates_folder: str) -> Template:
    template = repo.template(name)
    if template is not None:
        return template
    problems = _errors([f for f in repo.findings if f.template == name])
    if problems:
        raise _broken(f"template {name!r}", problems)
    known = list(template_names) or sorted(t.name for t in repo.templates)
    raise NotFound(f"unknown template {name!r}; templates: {', '.join(known) or 'none'}",
                   what="template", name=name, known=known,
                   hint=f"templates live in {templates_folder}")


def _channel(repo: Repository, template: Template, channel: str | None) -> Channel:
    name = template.name
    have = [c for c in CHANNELS if c in template.channels]
    if channel is None:
        if len(have) == 1:
            return template.channels[have[0]]
        if not have:
            problems = _errors([f for f in repo.findings if f.template == name])
            if problems:
                raise _broken(f"template {name!r}", problems)
            raise NotFound(f"template {name!r} has no channel", what="channel", name="",
                           known=(), hint="add email.json, sms.json, voice.json, push.json "
                                          "or inapp.json")
        raise UsageError(f"template {name!r} has several channels: {', '.join(have)}",
                         hint=f"choose one with -c, e.g. ptk render {name} -c {have[0]}")
    found = template.channels.get(channel)
    if found is not None:
        return found
    problems = _errors([f for f in repo.findings
                        if f.template == name and f.channel == channel])
    if problems:
        raise _broken(f"{name} {channel}", problems)
    raise NotFound(f"template {name!r} has no channel {channel!r}; channels: {', '.join(have)}",
                   what="channel", name=channel, known=have,
                   hint=f"channel names are lower case: -c {channel.lower()}"
                   if channel.lower() in template.channels else None)


def _fixture(repo: Repository, template: Template, fixture: str | None) -> Fixture | None:
    fixtures = repo.fixtures_for(template)
    if fixture is None:
        return default_fixture(fixtures)
    if fixture == NO_FIXTURE:
        return None
    for candidate in fixtures:
        if candidate.name == fixture:
            return candidate
    problems = _errors([f for f in repo.findings if f.fixture == fixture
                        and f.template in (None, template.name)])
    if problems:
        raise _broken(f"fixture {fixture!r}", problems)
    known = [f.name for f in fixtures]
    raise NotFound(f"unknown fixture {fixture!r}; fixtures for {template.name}: "
                   f"{', '.join(known) or 'none'}", what="fixture", name=fixture, known=known)
