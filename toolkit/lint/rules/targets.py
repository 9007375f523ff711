"""T: the publish targets: what they can store, and the names a template is published under.

These rules read the configuration's environments (``[env.NAME]``: target, channels, prefix,
suffix, name_format) as well as the repository's own target (``target`` in ptk.toml, or
``--target``), so a problem shows up in ``ptk lint`` before ``ptk plan`` refuses it.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.config import Environment
from toolkit.lint.rule import ChannelContext, Problem, Rule


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
    letter or digit; Pinpoint 128 of ``A-Z a-z 0-9 _ -``. Checked for every environment that
    publishes the channel, and for the repository's target without prefix or suffix.

    Fails (Connect, prefix ``production-``): a 120-character template folder name.

    Passes: a shorter folder name, or a shorter prefix.
    """

    CODE = "T002"
    NAME = "remote-name"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        channel = ctx.channel.channel
        seen: set[str] = set()
        for env in (_repository_environment(ctx), *ctx.environments):
            if env.skip_reason(channel) is not None:
                continue
            name = env.remote_name(ctx.template.name, channel)
            problem = env.dialect.name_problem(name)
            if problem is None or (env.dialect.name, name) in seen:
                continue
            seen.add(name)
            where = f"[env.{env.name}]" if env.name else f"{env.dialect.title}"
            yield Problem(f"the name published to {where}: {problem}", ctx.manifest_location(),
                          hint="shorten the template folder name, or the environment's "
                               "prefix/suffix" + (" or name_format" if "{channel}" in
                                                  env.name_format else ""))


RULES = (ChannelNotStored, RemoteName)
