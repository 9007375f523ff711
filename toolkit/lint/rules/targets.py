"""T: the publish targets: what they can store, the names a template is published under,
and what a channel's content means in the target it is checked against.

T001 and T002 read the configuration's environments (``[env.NAME]``: target, channels,
prefix, suffix, name_format) as well as the repository's own target (``target`` in
ptk.toml, or ``--target``), so a problem shows up in ``ptk lint`` before ``ptk plan``
refuses it. T003 and T004 read the dialect the channel is checked against: the
repository's target and the target of every environment that publishes the channel
(docs/lint.md "Every target a channel is published to"), so a Pinpoint repository
publishing email to Amazon SES hears what would break there.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.config import Environment
from toolkit.lint.hbs import position
from toolkit.lint.rule import ChannelContext, Problem, Rule
from toolkit.model import Location


def _repository_environment(ctx: ChannelContext) -> Environment:
    """The repository's target as an environment without prefix or suffix."""
    return Environment(name="", target=ctx.dialect.name)


class ChannelNotStored(Rule):
    """A channel has no home in a target it would be published to: an environment of that
    target skips it (``ptk plan`` shows SKIP with the reason), and so does the repository's
    own target.

    Amazon Connect has no voice and no in-app templates. The finding names the target and
    the environments; an environment that leaves the channel out with ``channels = [...]``
    has said so already and is not reported.

    Fails (``target = "connect"`` in ptk.toml): ``templates/reminder/voice.json``

    Passes: the same voice template with ``target = "pinpoint"``, or an environment with
    ``channels = ["email", "sms"]``.
    """

    CODE = "T001"
    NAME = "channel-not-stored"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        channel = ctx.channel.channel
        reasons: dict[str, tuple[str, list[str]]] = {}
        why = ctx.dialect.storage_problem(channel)
        if why is not None:
            reasons[ctx.dialect.name] = (why, ["the repository's target"])
        for env in ctx.environments:
            if env.channels is not None and channel not in env.channels:
                continue
            why = env.dialect.storage_problem(channel)
            if why is not None:
                reasons.setdefault(env.dialect.name, (why, []))[1].append(f"[env.{env.name}]")
        for why, who in reasons.values():
            yield Problem(f"{why}: {', '.join(who)} will not publish this {channel} template",
                          ctx.manifest_location(),
                          hint="keep it for another target, or list the channels an "
                               "environment publishes with channels = [...]")


class RemoteName(Rule):
    """The name a template channel is published under breaks its target's name rules: too
    long, or characters the target refuses.

    The name is the environment's prefix and suffix around the target's naming (Pinpoint:
    the folder name; Amazon Connect: ``{template}-{channel}`` or the environment's
    ``name_format``). Amazon Connect's Admin guide allows 128 characters starting with a
    letter or digit; Pinpoint 128 of ``A-Z a-z 0-9 _ -``; Amazon SES v2 1 to 64 of
    ``A-Z a-z 0-9 _ -`` (``^[A-Za-z0-9_-]{1,64}$``), so a Pinpoint name of 65 to 128
    characters cannot move to SES unchanged. Checked for every environment that publishes
    the channel, and for the repository's target without prefix or suffix (a name several of
    them publish is reported once); the hint suggests a folder name that fits (its start,
    and 6 hex digits of its SHA-1 when it is cut).

    Fails (Connect, prefix ``production-``): a 120-character template folder name.

    Passes: a shorter folder name, or a shorter prefix.
    """

    CODE = "T002"
    NAME = "remote-name"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        channel = ctx.channel.channel
        seen: set[tuple[str, str]] = set()  # (dialect, name): each reported once
        for env in (_repository_environment(ctx), *ctx.environments):
            if env.skip_reason(channel) is not None:
                continue
            name = env.published_name(ctx.template.name, channel)
            problem = env.dialect.name_problem(name)
            if problem is None or (env.dialect.name, name) in seen:
                continue
            seen.add((env.dialect.name, name))
            where = f"[env.{env.name}]" if env.name else f"{env.dialect.title}"
            suggestion = ""
            if "{channel}" not in env.name_format:
                fits = env.dialect.suggested_name(ctx.template.name, env.prefix, env.suffix)
                suggestion = f" (e.g. {fits!r})"
            yield Problem(f"the name published to {where}: {problem}", ctx.manifest_location(),
                          hint=f"shorten the template folder name{suggestion}, or the "
                               "environment's prefix/suffix" + (" or name_format" if
                                                                "{channel}" in env.name_format
                                                                else ""))


def _key_location(ctx: ChannelContext, key: str) -> Location:
    """Where the top-level ``key`` is written in the channel manifest."""
    from toolkit.loader import Positions
    from toolkit.schemas import json_path

    path = ctx.channel.manifest_path
    text = ctx.read(path) if ctx.read else None
    found = Positions(text).locate((key,), key=True) if text else None
    line, column = found if found else (None, None)
    return Location(path, line, column, json_path((key,)))


class ForeignField(Rule):
    """A manifest key that means nothing in the target: it is not published, and what it did
    in Pinpoint has to happen somewhere else.

    Amazon SES v2 stores a subject, an HTML part and a text part. ``DefaultSubstitutions``
    (SES has no defaults: the sender supplies every value in ``TemplateData``; keep the
    fallbacks in ``DefaultTemplateData``, which ptk renders with and the sender merges in),
    ``RecommenderId`` (the sender fetches recommendations), ``Headers`` (passed when
    sending) and ``TemplateDescription`` are reported at their key with what to do.

    Fails (an environment publishing to SES)::

        {"Subject": "Hi", "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"}}

    Passes::

        {"Subject": "Hi", "DefaultTemplateData": {"User": {"UserAttributes": {"FirstName": "there"}}}}
    """

    CODE = "T003"
    NAME = "foreign-field"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        foreign = ctx.dialect.foreign_fields.get(ctx.channel.channel, {})
        for key in ctx.channel.manifest:
            if key in foreign:
                yield Problem(f"{key} has no {ctx.dialect.title} field: it is not published",
                              _key_location(ctx, key), hint=foreign[key])


class UnescapedHtml(Rule):
    """``{{x}}`` in the HTML part of a target that does not HTML-escape variables: the value
    goes into the HTML as it is.

    Amazon SES v2 does not escape (AWS: "SES doesn't escape HTML content"), unlike
    Pinpoint, so a value holding ``<``, ``&`` or a quote breaks the markup, and a value a
    user typed can inject HTML. Escape such values in the sender before they go into
    ``TemplateData``; write ``{{{x}}}`` where the value is trusted HTML (that says so and
    silences this rule).

    Fails (``target = "ses"``, ``email.html``)::

        <p>Hello {{name}}</p>

    Passes::

        <p>Hello {{{name}}}</p>
    """

    CODE = "T004"
    NAME = "unescaped-html"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            if part is None or not part.html or field in ctx.dialect.escape_html_fields:
                continue
            for use in uses:
                if use.role != "print" or use.triple or getattr(use.node, "data", False):
                    continue
                name = str(getattr(use.node, "original", ""))
                yield Problem(f"{{{{{name}}}}} is inserted into the HTML unescaped: "
                              f"{ctx.dialect.title} does not HTML-escape variables",
                              ctx.locate(part, *position(use.node)),
                              hint="escape the value in the sender before it goes into "
                                   f"TemplateData, or write {{{{{{{name}}}}}}} to mark it as "
                                   "trusted HTML")


RULES = (ChannelNotStored, RemoteName, ForeignField, UnescapedHtml)
