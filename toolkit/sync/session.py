"""Glue between the configuration, the repository and a target: what the verbs share.

- :func:`select_environment`: ``--env E`` or the only environment;
- :func:`open_target`: the publish target of an environment, ``TARGETS[env.target]``
  (a target name is also a dialect name, ``toolkit.dialects.DIALECTS``; adding a target is
  a module ``sync/<name>.py`` with a :class:`~toolkit.sync.target.Target` class and one
  line in ``TARGETS``);
- :func:`desired_state`: build every selected template channel from git;
- :func:`make_sync_plan`: read the remote state and plan.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from toolkit.config import Config, Environment
from toolkit.errors import ConfigError, InputError, UsageError
from toolkit.model import Plan
from toolkit.sync.digest import MAX_USER_TAGS, TAGS_PER_RESOURCE, user_tags
from toolkit.sync.plan import Desired, make_plan
from toolkit.sync.state import Listing, list_remote, read_states
from toolkit.sync.target import Target


def _pinpoint(env: Environment) -> Target:
    from toolkit.sync.pinpoint import PinpointTarget  # boto3 is imported only when needed
    return PinpointTarget(region=env.region, profile=env.profile, endpoint_url=env.endpoint_url)


def _connect(env: Environment) -> Target:
    from toolkit.sync.connect import ConnectTarget
    return ConnectTarget(knowledge_base=env.extra["knowledge_base"], name_format=env.name_format,
                         where=f"[env.{env.name}] knowledge_base", region=env.region,
                         profile=env.profile, endpoint_url=env.endpoint_url)


def _ses(env: Environment) -> Target:
    from toolkit.sync.ses import SesTarget
    return SesTarget(account=env.extra.get("account"),
                     rate=float(env.extra.get("calls_per_second", 1)), region=env.region,
                     profile=env.profile, endpoint_url=env.endpoint_url)


# target name -> factory (an Environment in, a Target out); target.py says how to add one. A
# factory reads what it needs from the environment, including the keys its dialect declares
# (``env.extra``).
TARGETS: dict[str, Callable[[Environment], Target]] = {"pinpoint": _pinpoint,
                                                       "connect": _connect, "ses": _ses}


def select_environment(config: Config, name: str | None) -> Environment:
    """The environment ``name``, or the only one configured when ``name`` is None."""
    if name is not None:
        return config.environment(name)
    if len(config.environments) == 1:
        return next(iter(config.environments.values()))
    where = config.path or "ptk.toml"
    if not config.environments:
        raise ConfigError(f"{where}: no environment configured",
                          hint='add a table such as [env.dev] with region = "eu-west-1" '
                               '(and optionally profile, endpoint_url, prefix, suffix)')
    raise UsageError(f"several environments configured ({', '.join(sorted(config.environments))})"
                     f": say which one with --env NAME", hint="e.g. --env "
                     f"{sorted(config.environments)[0]}")


def open_target(env: Environment) -> Target:
    """The publish target of ``env`` (``TARGETS[env.target]``); ConfigError when this version
    has the target's dialect (render, lint) but cannot publish to it."""
    factory = TARGETS.get(env.target)
    if factory is None:
        known = ", ".join(sorted(TARGETS))
        raise ConfigError(f"environment {env.name!r}: ptk cannot publish to target "
                          f"{env.target!r} in this version (publish targets: {known})",
                          hint=f"set target in [env.{env.name}] to one of: {known}")
    return factory(env)


def local_name(env: Environment, remote_name: str) -> str | None:
    """The folder name of a remote template name, None when it is outside the environment."""
    if not remote_name.startswith(env.prefix) or not remote_name.endswith(env.suffix):
        return None
    end = len(remote_name) - len(env.suffix)
    name = remote_name[len(env.prefix):end]
    return name or None


def matches(name: str, patterns: Sequence[str]) -> bool:
    """True when ``name`` matches one of the NAME|GLOB arguments (all names when none)."""
    return not patterns or any(fnmatch.fnmatchcase(name, p) for p in patterns)


def desired_state(config: Config, env: Environment, patterns: Sequence[str], *,
                  allow_syntax_errors: bool = False) -> list[Desired]:
    """Every selected local template channel, built in the dialect of the environment's
    target and mapped to the body its API takes (``Dialect.request_body``; Connect nests it by
    channel). Refuses (InputError) when a template has structure errors, since publishing
    part of a broken repository (or pruning what failed to load) would be wrong, and, unless
    ``allow_syntax_errors``, when a channel cannot render (``ptk lint``'s H001-H003 and H011
    errors): the service would accept it and then drop every message."""
    from toolkit.build import build_all, tags_of
    from toolkit.loader import load_repository, template_names

    # the templates are read in the dialect of the environment's target
    if env.target != config.target:
        config = replace(config, target=env.target)
    names = [n for n in template_names(config) if matches(n, patterns)]
    repo = load_repository(config, names)
    errors = [f for f in repo.findings if f.severity == "error"
              and (f.template is None or f.template in names)]
    if errors:
        raise InputError(f"{len(errors)} problem(s) in the templates; nothing was planned",
                         hint="fix them (ptk lint shows them all) and run again",
                         problems=errors)
    if not allow_syntax_errors:
        from toolkit.lint.runner import refuse_unrenderable

        refuse_unrenderable(repo, config, nothing_was="planned")
    bodies = build_all(repo, names)
    desired = []
    for (name, channel), body in bodies.items():
        template = repo.template(name)
        tags = tags_of(template.channels[channel]) if template is not None else {}
        reserved = sorted(k for k in tags if k not in user_tags({k: ""}))
        if reserved and template is not None:
            raise InputError(
                f"{template.channels[channel].manifest_path}: Tags key {reserved[0]!r} is "
                f"reserved (ptk: keys hold ptk's marker, aws: keys belong to AWS); nothing "
                f"was planned", hint="rename the tag, or remove it from Tags")
        if len(tags) > MAX_USER_TAGS and template is not None:
            raise InputError(
                f"{template.channels[channel].manifest_path}: {len(tags)} Tags, but a "
                f"template holds at most {TAGS_PER_RESOURCE} tags and ptk's marker takes "
                f"{TAGS_PER_RESOURCE - MAX_USER_TAGS}; nothing was planned",
                hint=f"keep at most {MAX_USER_TAGS} keys in Tags")
        skip = env.skip_reason(channel)
        full = env.dialect.request_body(channel, body) if skip is None else dict(body)
        if tags:
            full["tags"] = tags
        desired.append(Desired(local_name=name, name=env.remote_name(name), channel=channel,
                               body=full, skip=skip))
    refuse_bad_names(env, desired)
    return desired


def refuse_bad_names(env: Environment, desired: Sequence[Desired]) -> None:
    """InputError when a published name (prefix and suffix included) breaks the name rules
    of the environment's target; nothing is planned."""
    dialect = env.dialect
    problems = sorted({(d.local_name, problem) for d in desired if d.skip is None
                       for problem in [dialect.name_problem(
                           env.published_name(d.local_name, d.channel))] if problem})
    if problems:
        raise InputError(
            f"{len(problems)} template name(s) cannot be published to {env.name}: "
            + "; ".join(f"{local}: {problem}" for local, problem in problems)
            + "; nothing was planned",
            hint=f"rename the template folder, or shorten [env.{env.name}] prefix/suffix")


@dataclass(frozen=True)
class PlanRun:
    """A plan and what it was made from."""

    plan: Plan
    listing: Listing
    desired: tuple[Desired, ...]


def make_sync_plan(config: Config, env: Environment, target: Target,
                   patterns: Sequence[str], *, prune: bool = False,
                   allow_syntax_errors: bool = False) -> PlanRun:
    desired = desired_state(config, env, patterns, allow_syntax_errors=allow_syntax_errors)
    listing = list_remote(target, env.prefix, env.suffix)
    existing = listing.keys()
    # a skipped channel is still in git: never an orphan to prune, never read
    in_git = {(d.name, d.channel) for d in desired}
    wanted = {(d.name, d.channel) for d in desired if d.skip is None}
    orphan_keys: list[tuple[str, str]] = []
    if prune:
        for item in listing.items:
            name = local_name(env, item.name)
            if (item.name, item.channel) not in in_git and name and matches(name, patterns):
                orphan_keys.append((item.name, item.channel))
    states = read_states(target, (wanted & existing) | set(orphan_keys))
    orphans = [(local_name(env, key[0]) or key[0], states[key])
               for key in sorted(orphan_keys) if key in states]
    if patterns and not desired and not orphans:
        raise UsageError(f"no template matches {' '.join(patterns)}",
                         hint="give template folder names or globs such as 'order-*'")
    return PlanRun(plan=make_plan(desired, states, orphans, env.name), listing=listing,
                   desired=tuple(desired))
