"""What ``ptk lint`` does to be fast at an account's scale changes no finding: a generated
repository of varied templates (every construct where the two Handlebars engines differ,
and data that prints differently in them), the precision corpus and every rule case of
tests/data/lint lint to the same findings with the shortcuts as without them.

The shortcut checked here: J002/J003 render a part in the Java flavour only when
``toolkit.handlebars.portable`` cannot show that it renders the same (without it, every
part of every channel is rendered twice). And the work done once where it was done per
rule or per fixture: the channel's default entries, the garbage collector's pace."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.lint import runner
from toolkit.lint.formats import record
from toolkit.lint.rules import engines, variables

DATA = Path(__file__).resolve().parents[1] / "data"

# pieces of template text, each alone on its line or inline (by the generator's choice)
PIECES = [
    "Hi {{User.UserAttributes.FirstName}},",
    "{{#if User.UserAttributes.FirstName}}Hi {{User.UserAttributes.FirstName}}{{/if}}",
    "{{#if Attributes.Flag}}\nflagged\n{{else}}\nnot flagged\n{{/if}}",
    "{{~#if Attributes.Flag~}}\nflagged\n{{~/if~}}",
    "{{#unless Attributes.Count}}none{{/unless}}",
    "{{#each Attributes.Items}}{{this}} {{/each}}",
    "{{#each Attributes.Items}}\n- {{this}}\n{{/each}}",
    "{{#each Attributes.Items}}{{Address}}{{/each}}",
    "{{#each Attributes.Objects}}{{Name}}: {{Price}} {{/each}}",
    "{{#each Attributes.Items}}{{@index}}{{#if @first}}*{{/if}}{{/each}}",
    "{{#with User.UserAttributes}}{{FirstName}}{{/with}}",
    "Count: {{Attributes.Count}}, price {{Attributes.Price}}",
    "{{Location}} {{User.UserAttributes}}",
    "Score {{Metrics.Score}} at {{Location.Latitude}}",
    "{{#if Metrics.Score}}scored{{/if}}",
    "{{upper User.UserAttributes.FirstName}} {{lower Attributes.Store.[0]}}",
    "{{#eq Attributes.Tier \"gold\"}}gold{{else}}other{{/eq}}",
    "{{dateFormat Attributes.Date.[0] inputFormat=\"yyyy-MM-dd\" outputFormat=\"long\"}}",
    "{{capitalize Attributes.Word}}",
    "{{! a comment }}",
    "{{!-- a long comment --}}",
    "{{#*inline \"sig\"}}The team{{/inline}}{{> sig}}",
    "{{lookup Location \"City\"}}",
    "{{Attributes.Text.[0]}}",
    "{{#each Attributes.Text}}{{this}}{{/each}}",
    "{{#Attributes.Flag}}section{{/Attributes.Flag}}",
    "{{add Attributes.Count 1}}",
    "{{add Attributes.Word 1}}",
    "{{now}} {{uuid}}",
    "Reply STOP to opt out.",
]
FIXTURES = {
    "full": {"Address": "+15550100", "ChannelType": "SMS",
             "User": {"UserId": "u1", "UserAttributes": {"FirstName": ["Ana"]}},
             "Metrics": {"Score": 1.0}, "Location": {"Latitude": 47.5, "City": "Lyon"},
             "Attributes": {"Flag": ["yes"], "Count": ["3"], "Items": ["tent", "stove"],
                            "Tier": ["gold"], "Store": ["Lyon"], "Date": ["2024-05-01"],
                            "Word": ["hello world"], "Text": ["abc"]}},
    "numbers": {"Address": "+15550101", "ChannelType": "SMS",
                "User": {"UserId": "u2"}, "Metrics": {"Score": 12345678.9},
                "Attributes": {"Flag": [""], "Items": []},
                "Substitutions": {"Attributes.Count": ["0"]}},
    "empty": {"Address": "a@example.com", "ChannelType": "EMAIL", "User": {"UserId": "u3"}},
}
DEFAULTS = [
    {},
    {"Attributes.Price": 9.5, "Attributes.Count": 1, "Attributes.Flag": True},
    {"Attributes.Text": "plain text", "Attributes.Price": 1.0,
     "User.UserAttributes.FirstName": "there"},
    {"Attributes.Items": "not a list", "Attributes.Flag": 0, "Attributes.Count": 10**22},
]


def generate(root: Path, templates: int, seed: int = 15) -> Path:
    """A repository of ``templates`` templates made of random PIECES (email HTML and text,
    SMS, push, voice), with FIXTURES shared and a few local ones."""
    rng = random.Random(seed)
    (root / "ptk.toml").write_text('templates = "templates"\nfixtures = "fixtures"\n')
    (root / "fixtures").mkdir(parents=True)
    for name, data in FIXTURES.items():
        (root / "fixtures" / f"{name}.json").write_text(json.dumps(data))

    def text(count: int) -> str:
        out = []
        for _ in range(count):
            out.append(rng.choice(PIECES))
            out.append(rng.choice(["\n", " ", "", "\n  "]))
        return "".join(out)

    for n in range(templates):
        folder = root / "templates" / f"t{n:03d}"
        folder.mkdir(parents=True)
        defaults = rng.choice(DEFAULTS)
        html = "<html><body>\n<p>\n" + text(rng.randint(1, 4)) + "\n</p>\n</body></html>\n"
        (folder / "email.json").write_text(json.dumps(
            {"Subject": text(1).replace("\n", " "), "DefaultSubstitutions": defaults}))
        (folder / "email.html").write_text(html)
        (folder / "email.txt").write_text(text(rng.randint(1, 3)))
        (folder / "sms.json").write_text(json.dumps({"DefaultSubstitutions": defaults}))
        (folder / "sms.txt").write_text(text(rng.randint(1, 3)))
        (folder / "push.json").write_text(json.dumps({
            "Default": {"Title": text(1).replace("\n", " "), "Body": text(1)},
            "DefaultSubstitutions": defaults}))
        (folder / "voice.json").write_text(json.dumps({"LanguageCode": "en-US",
                                                       "DefaultSubstitutions": defaults}))
        (folder / "voice.txt").write_text(text(1))
        if rng.random() < 0.2:
            (folder / "fixtures").mkdir()
            (folder / "fixtures" / "local.json").write_text(json.dumps(
                {"Address": "+15550199", "User": {"UserAttributes": {"FirstName": ["Zoë"]}},
                 "Attributes": {"Count": ["1.5"], "Items": ["a", "b", "c"]}}))
    return root


def findings(root: Path, **options: Any) -> list[dict[str, Any]]:
    config = load_config(root, explicit=root / "ptk.toml")
    return [record(f) for f in runner.lint(config, jobs=1, **options).findings]


def without_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render every part in the Java flavour, as before the shortcut existed."""
    monkeypatch.setattr(engines, "_same_in_java", lambda *args: False)


def test_a_generated_account_lints_the_same_with_and_without_the_shortcuts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = generate(tmp_path, 60)
    fast = findings(root)
    assert {f["code"] for f in fast} >= {"J002", "J003", "H009"}, "the corpus lost its variety"
    with monkeypatch.context() as patch:
        without_shortcuts(patch)
        slow = findings(root)
    assert fast == slow
    # and the shortcut does skip work here: most parts need no Java render
    calls = []
    real = engines._same_in_java
    monkeypatch.setattr(engines, "_same_in_java", lambda *a: calls.append(real(*a)) or calls[-1])
    findings(root)
    assert sum(calls) > len(calls) / 3


@pytest.mark.parametrize("case", ["precision", *sorted(
    str(p.parent.relative_to(DATA)) for p in (DATA / "lint").glob("*/*/ptk.toml"))])
def test_the_rule_cases_lint_the_same_with_and_without_the_shortcuts(
        case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = DATA / case
    fast = findings(root)
    with monkeypatch.context() as patch:
        without_shortcuts(patch)
        assert findings(root) == fast


def test_a_channel_s_default_entries_and_values_are_read_once_for_every_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = generate(tmp_path, 10)
    calls: list[Any] = []
    real = variables.default_entries
    monkeypatch.setattr(variables, "default_entries",
                        lambda *a: calls.append(a) or real(*a))
    fast = findings(root)
    assert "V003" in {f["code"] for f in fast}
    assert 0 < len(calls) <= 10 * 4  # one per template channel: V002, V003, V007, H005 share
    # and the rules see the same entries as when each read its own
    cases = [DATA / "lint" / code / "fail"
             for code in ("V002", "V003", "V004", "V005", "V007", "V008", "H005")]
    before = [findings(case) for case in cases]
    monkeypatch.setattr(runner, "ChannelContext", _Uncached)
    assert findings(root) == fast
    assert [findings(case) for case in cases] == before
    assert all(before)


class _Uncached(runner.ChannelContext):
    """A ChannelContext that reads the channel's defaults and a variable's values in the
    fixtures again at every question."""

    def default_entries(self) -> tuple[Any, ...]:
        return tuple(variables.default_entries(self.channel.default_substitutions,
                                               self.dialect))

    def variable_roots(self) -> frozenset[str]:
        self._roots = None
        return super().variable_roots()

    def values(self, parts: tuple[str, ...]) -> list[tuple[Any, Any]]:
        self._values.clear()
        return super().values(parts)


def test_the_garbage_collector_runs_less_often_while_a_batch_lints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    root = generate(tmp_path, 3)
    seen: list[tuple[int, int, int]] = []
    real = runner.lint_template
    monkeypatch.setattr(runner, "lint_template",
                        lambda *a, **k: seen.append(gc.get_threshold()) or real(*a, **k))
    before = gc.get_threshold()
    findings(root)
    assert seen and all(t[0] >= runner.GC_YOUNG_THRESHOLD for t in seen)
    assert gc.get_threshold() == before  # restored
