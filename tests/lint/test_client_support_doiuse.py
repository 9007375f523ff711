"""ptk's email-client support findings (E007/E008) against @jsx-email/doiuse-email on the
same HTML, and a reason for every difference.

The emails: every email of the precision corpus (tests/data/precision), of the sample
repository and of the E007/E008 rule cases, as sent (after MJML). For each email both tools
give a set of (feature, client, none|partial); the sets must be equal except for pairs that
one of the reasons below explains, and each reason is checked, not assumed:

- ``outlook.com``: doiuse-email has no ``outlook.outlook-com`` client (so it is left out);
- ``no effect``: ptk does not report features whose lack changes nothing a reader sees
  (``NO_EFFECT``, ``CONDITIONAL`` in toolkit/lint/email_clients.py);
- ``data``: the two data sets rate the feature differently for that client (doiuse-email
  bundles caniemail data of 2024-10-09 and takes the version that sorts last as text; ptk's
  snapshot is newer and takes the newest version by number; ptk reads "Buggy" as partial and
  "unknown" as nothing to report) - checked by asking doiuse-email's own data;
- ``fallback``: ptk does not count a declaration that sets a property to its initial value
  or one in a block hidden with ``display: none`` - checked by scanning again without those
  two rules;
- ``not for Outlook``: ptk knows that Outlook for Windows never sees ``<!--[if !mso]><!-->``
  content - checked on ptk's uses;
- ``inside @media``: doiuse-email does not look inside ``@media``/``@supports`` blocks; ptk
  does, for the clients that read them - checked on ptk's uses;
- ``blind``: features doiuse-email does not find at all (``BLIND`` below, each with a probe
  email that shows it) - checked by running the probes through both tools;
- ``misread``: features doiuse-email finds where they are not (``MISREAD``, with probes).

Node is needed at test time only: ``.ci/run`` installs the pinned packages
(tests/lint/caniemail/package-lock.json); without node the test is skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.lint import email_clients as ec
from toolkit.loader import load_repository

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tests" / "lint" / "caniemail"
NO_OUTLOOK_COM = "outlook.outlook-com"
CLIENTS = tuple(c for c in ec.DEFAULT_CLIENTS if c != NO_OUTLOOK_COM)
_MESSAGE = re.compile(r"^`(.+)` is (not supported|only partially supported) by `(.+)`$")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None
    or not (TOOLS / "node_modules" / "@jsx-email" / "doiuse-email").is_dir(),
    reason="needs node and `npm ci` in tests/lint/caniemail (.ci/run installs them)")

# Features doiuse-email does not find, with an email that uses them.
BLIND: dict[str, tuple[str, str]] = {
    "CSS comments": ("<style>/* brand */ p { color: red; }</style><p>x</p>",
                     "it does not look at CSS comments"),
    "height property": ('<p style="height: 10px">x</p>',
                        "it finds properties by title, and 'height property' names none"),
    "width property": ('<p style="width: 10px">x</p>',
                       "it finds properties by title, and 'width property' names none"),
    "max-height property": ('<p style="max-height: 10px">x</p>',
                            "it finds properties by title, and 'max-height property' "
                            "names none"),
    "min-width property": ('<p style="min-width: 10px">x</p>',
                           "it finds properties by title, and 'min-width property' "
                           "names none"),
    "gap, column-gap, row-gap": ('<div style="display: flex; gap: 4px">x</div>',
                                 "it finds properties by title, and this title lists three"),
    "display:none": ('<p style="display: none !important">x</p>',
                     "it matches display:none only when the value is exactly 'none', not "
                     "'none !important'"),
    "border": ('<p style="border-top: 1px solid red">x</p>',
               "it does not count the longhands (border-top, ...) caniemail lists"),
    "<style> element": ("<style>p { color: red; }</style><p>x</p>",
                        "it walks tags only, and its HTML parser gives <style> a type of "
                        "its own"),
    "Grouping selectors": ("<style>h1, h2 { color: red; }</style><h1>x</h1>",
                           "it looks at each selector of a group alone"),
}
# Features doiuse-email finds where they are not, with an email that shows it.
MISREAD: dict[str, tuple[str, str]] = {
    "Chaining selectors": ("<style>.a .b { color: red; }</style><p class='a'>x</p>",
                           "it counts the classes of a whole selector, so '.a .b' (a "
                           "descendant) counts as two chained classes"),
}


def _emails() -> dict[str, str]:
    """name -> HtmlPart as sent (compiled MJML, Handlebars left in), for every email."""
    folders = [ROOT / "tests" / "data" / "precision", ROOT]
    folders += sorted((ROOT / "tests" / "data" / "lint").glob("E00[78]/*"))
    emails = {}
    for folder in folders:
        repo = load_repository(load_config(folder, explicit=folder / "ptk.toml"))
        for template in repo.templates:
            channel = template.channels.get("email")
            part = channel.part("HtmlPart") if channel else None
            if part is not None:
                emails[f"{folder.relative_to(ROOT)}:{template.name}"] = part.text
    return emails


def _doiuse(emails: dict[str, str], ask: list[tuple[str, str]]) -> dict:
    request = {"clients": list(CLIENTS), "emails": emails, "status": ask}
    done = subprocess.run(["node", str(TOOLS / "doiuse.cjs")], input=json.dumps(request),
                          capture_output=True, text=True, check=True, timeout=240)
    return json.loads(done.stdout)


def _theirs(result: dict) -> set[tuple[str, str, str]]:
    found = set()
    for message in result["errors"] + result["warnings"]:
        match = _MESSAGE.match(message)
        assert match, message
        level = "none" if match.group(2) == "not supported" else "partial"
        found.add((match.group(1), match.group(3), level))
    return found


def _ours(uses: tuple[ec.Use, ...]) -> set[tuple[str, str, str]]:
    found = set()
    for gap in ec.gaps(uses, CLIENTS):
        found.update((gap.title, c, "none") for c in gap.unsupported)
        found.update((gap.title, c, "partial") for c in gap.partial)
    return found


def _raw_uses(html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[ec.Use, ...]:
    """ptk's uses without the initial-value and hidden-block rules."""
    with monkeypatch.context() as patch:
        patch.setattr(ec, "_is_initial", lambda name, value: False)
        patch.setattr(ec, "_HIDES", re.compile(r"(?!x)x"))
        return ec._Scanner(html).scan()


def test_ptk_and_doiuse_email_agree_but_for_explained_differences(
        monkeypatch: pytest.MonkeyPatch) -> None:
    emails = _emails()
    probes = {f"probe:{title}": html for title, (html, _) in {**BLIND, **MISREAD}.items()}
    slugs = {info["title"]: slug for slug, info in ec.data()["features"].items()}
    differences: list[tuple[str, str, tuple[str, str, str]]] = []
    for_uses = {name: ec.uses(html) for name, html in {**emails, **probes}.items()}
    # ask doiuse-email's own data about every (feature, client) either side reports
    first = _doiuse({**emails, **probes}, [])
    pairs = set()
    for name in emails:
        theirs, ours = _theirs(first["emails"][name]), _ours(for_uses[name])
        differences += [("doiuse-only", name, d) for d in sorted(theirs - ours)]
        differences += [("ptk-only", name, d) for d in sorted(ours - theirs)]
        pairs.update((t, c) for t, c, _ in theirs ^ ours)
    rating = _doiuse({}, sorted(pairs))["status"]

    def data_differs(side: str, name: str, item: tuple[str, str, str]) -> bool:
        title, client, _ = item
        slug = slugs[title]
        ours = {"n": "none", "a": "partial"}.get(ec.support(slug, client).status, "full")
        return rating[f"{title}\0{client}"] != ours

    def no_effect(side: str, name: str, item: tuple[str, str, str]) -> bool:
        slug = slugs[item[0]]
        return side == "doiuse-only" and (slug in ec.NO_EFFECT or slug in ec.CONDITIONAL)

    def fallback(side: str, name: str, item: tuple[str, str, str]) -> bool:
        return side == "doiuse-only" and item in _ours(_raw_uses(emails[name], monkeypatch))

    def not_for_outlook(side: str, name: str, item: tuple[str, str, str]) -> bool:
        raw = _raw_uses(emails[name], monkeypatch)  # an initial value may be hidden too
        uses = [u for u in raw if u.feature == slugs[item[0]]]
        return (side == "doiuse-only" and item[1] == ec.OUTLOOK_WORD and bool(uses)
                and all(u.hidden_from_outlook for u in uses))

    def inside_media(side: str, name: str, item: tuple[str, str, str]) -> bool:
        uses = [u for u in for_uses[name]
                if u.feature == slugs[item[0]] and ec.reaches(u, item[1])]
        return side == "ptk-only" and bool(uses) and all(u.requires for u in uses)

    def blind(side: str, name: str, item: tuple[str, str, str]) -> bool:
        return side == "ptk-only" and item[0] in BLIND

    def misread(side: str, name: str, item: tuple[str, str, str]) -> bool:
        return side == "doiuse-only" and item[0] in MISREAD

    reasons: dict[str, Callable[[str, str, tuple[str, str, str]], bool]] = {
        "no effect": no_effect, "data": data_differs, "fallback": fallback,
        "not for Outlook": not_for_outlook, "inside @media": inside_media, "blind": blind,
        "misread": misread}
    explained: dict[str, int] = dict.fromkeys(reasons, 0)
    unexplained = []
    for side, name, item in differences:
        reason = next((r for r, test in reasons.items() if test(side, name, item)), None)
        if reason is None:
            unexplained.append(f"{side}: {item} in {name}")
        else:
            explained[reason] += 1
    assert not unexplained, "differences without a reason:\n" + "\n".join(unexplained)
    assert len(emails) >= 15 and differences, "the comparison must look at real emails"
    print(f"{len(emails)} emails, {len(differences)} differences: {explained}")

    # the probes: doiuse-email does not see the feature, ptk does; or the other way round
    for title, (_html, why) in BLIND.items():
        name = f"probe:{title}"
        assert not any(t == title for t, _, _ in _theirs(first["emails"][name])), (title, why)
        assert slugs[title] in {u.feature for u in for_uses[name]}, title
    for title, (_html, why) in MISREAD.items():
        name = f"probe:{title}"
        assert any(t == title for t, _, _ in _theirs(first["emails"][name])), (title, why)
        assert slugs[title] not in {u.feature for u in for_uses[name]}, title


def test_doiuse_email_has_no_outlook_com() -> None:
    done = subprocess.run(
        ["node", "-e", "const {doIUseEmail} = require('@jsx-email/doiuse-email');"
                       "try { doIUseEmail('<p>x</p>', {emailClients: ['outlook.outlook-com']});"
                       " console.log('found') } catch (e) { console.log('missing') }"],
        cwd=TOOLS, capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "missing"
