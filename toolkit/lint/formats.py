"""Output formats of ``ptk lint``: each turns the sorted findings into one string.

``text``    ``path:line:col: CODE [severity] message`` per finding, a hint line, a summary
``json``    a list of objects (code, name, severity, path, line, column, pointer, location,
            template, channel, fixture, message, hint): :func:`record`, also the preview's
``github``  GitHub Actions workflow commands (``::error file=...``), annotations on the PR
``sarif``   SARIF 2.1.0, for code-scanning uploads
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from toolkit.model import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}
GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def rebase(findings: Sequence[Finding], prefix: str) -> list[Finding]:
    """Findings whose relative paths are put under ``prefix`` (``marketing`` turns
    ``templates/a/sms.txt`` into ``marketing/templates/a/sms.txt``): GitHub matches
    annotations and code-scanning results against the repository root, which may hold the
    ptk repository in a subfolder."""
    prefix = prefix.strip("/")
    if not prefix or prefix == ".":
        return list(findings)
    out = []
    for f in findings:
        path = f.location.path
        if not (PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()):
            f = replace(f, location=replace(f.location, path=f"{prefix}/{path}"))
        out.append(f)
    return out


def record(finding: Finding) -> dict[str, Any]:
    """One finding as a plain JSON object: the ``json`` format's items and the preview
    API's findings. ``pointer`` is the JSON path inside the file (or None), ``location`` the
    whole place as text (``file:line:column (at $.Path)``)."""
    loc = finding.location
    return {
        "code": finding.code, "name": finding.name, "severity": finding.severity,
        "path": loc.path, "line": loc.line, "column": loc.column, "pointer": loc.pointer,
        "location": str(loc),
        "template": finding.template, "channel": finding.channel, "fixture": finding.fixture,
        "message": finding.message, "hint": finding.hint,
    }


def _counts(findings: Sequence[Finding]) -> str:
    parts = []
    for level in ("error", "warning", "info"):
        n = sum(1 for f in findings if f.severity == level)
        if n:
            parts.append(f"{n} {level}{'' if n == 1 else 's'}")
    return ", ".join(parts)


def format_text(findings: Sequence[Finding], *, checked: Sequence[str] = (),
                color: bool = False, **_: Any) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    tones = {"error": "31", "warning": "33", "info": "36"}
    lines = []
    for f in findings:
        where = paint(str(f.location).split(" (at ")[0], "1")
        if f.location.pointer:
            where += f" (at {f.location.pointer})"
        context = ", ".join(x for x in (
            f.channel and f"{f.template}/{f.channel}",
            f.fixture and f"fixture {f.fixture}") if x)
        text = (f"{where}: {paint(f.code, tones.get(f.severity, '0'))} "
                f"[{f.severity}] {f.message}")
        if context:
            text += paint(f" ({context})", "2")
        lines.append(text)
        if f.hint:
            lines.append(paint(f"    hint: {f.hint}", "2"))
    n = len(checked)
    scope = f"{n} template{'' if n == 1 else 's'}"
    lines.append(f"Found {_counts(findings)} in {scope}." if findings
                 else f"No problems in {scope}.")
    return "\n".join(lines) + "\n"


def format_json(findings: Sequence[Finding], **_: Any) -> str:
    return json.dumps([record(f) for f in findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: Sequence[Finding], **_: Any) -> str:
    lines = []
    for f in findings:
        props = [f"file={_escape_property(f.location.path)}"]
        if f.location.line is not None:
            props.append(f"line={f.location.line}")
            if f.location.column is not None:
                props.append(f"col={f.location.column}")
        props.append(f"title={_escape_property(f'{f.code} {f.name}')}")
        message = f.message + (f" (fixture {f.fixture})" if f.fixture else "")
        if f.hint:
            message += f"\nhint: {f.hint}"
        lines.append(f"::{GITHUB_LEVELS.get(f.severity, 'warning')} {','.join(props)}::"
                     f"{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def artifact_location(path: str) -> dict[str, str]:
    """A SARIF artifactLocation: a relative path becomes a percent-encoded URI reference
    relative to the source root (what code scanning matches against the repository); a path
    outside the repository an absolute ``file:`` URI."""
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def format_sarif(findings: Sequence[Finding], *, rules: Mapping[str, Any] | None = None,
                 version: str = "", **_: Any) -> str:
    rules = rules or {}
    used = sorted({f.code for f in findings} | set(rules))
    index = {code: i for i, code in enumerate(used)}
    descriptors = []
    for code in used:
        rule = rules.get(code)
        name = rule.NAME if rule else next(f.name for f in findings if f.code == code)
        summary = rule.summary() if rule else name
        level = SARIF_LEVELS.get(rule.SEVERITY, "warning") if rule else "warning"
        descriptors.append({
            "id": code, "name": name, "shortDescription": {"text": summary},
            "fullDescription": {"text": inspect.cleandoc(rule.__doc__ or summary) if rule
                                else summary},
            "defaultConfiguration": {"level": level},
        })
    results = []
    for f in findings:
        region: dict[str, int] = {}
        if f.location.line is not None and f.location.line >= 1:
            region["startLine"] = f.location.line
            if f.location.column is not None and f.location.column >= 1:
                region["startColumn"] = f.location.column
        physical: dict[str, Any] = {"artifactLocation": artifact_location(f.location.path)}
        if region:
            physical["region"] = region
        text = f.message + (f" (fixture {f.fixture})" if f.fixture else "")
        if f.hint:
            text += f". Hint: {f.hint}"
        result: dict[str, Any] = {
            "ruleId": f.code, "ruleIndex": index[f.code],
            "level": SARIF_LEVELS.get(f.severity, "warning"),
            "message": {"text": text}, "locations": [{"physicalLocation": physical}],
        }
        props = {k: v for k, v in (("template", f.template), ("channel", f.channel),
                                   ("fixture", f.fixture)) if v}
        if props:
            result["properties"] = props
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ptk", "version": version, "rules": descriptors}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[..., str]] = {
    "text": format_text, "json": format_json, "github": format_github, "sarif": format_sarif,
}
