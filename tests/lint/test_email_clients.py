"""The email-client support scanner (toolkit/lint/email_clients.py) and its data snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.errors import ConfigError
from toolkit.lint import email_clients as ec
from toolkit.lint.selection import from_config

CANIEMAIL = Path(__file__).resolve().parent / "caniemail"


def found(html: str) -> dict[str, list[ec.Use]]:
    out: dict[str, list[ec.Use]] = {}
    for use in ec.uses(html):
        out.setdefault(use.feature, []).append(use)
    return out


def style(css: str) -> dict[str, list[ec.Use]]:
    return found(f"<html><head><style>{css}</style></head><body></body></html>")


def test_the_snapshot_is_dated_and_credits_caniemail() -> None:
    data = ec.data()
    assert data["license"] == "CC BY 4.0"
    assert "caniemail.com" in data["attribution"] and "CC BY 4.0" in data["attribution"]
    assert data["date"][:2] == "20" and data["source"].startswith("npm caniemail ")
    assert set(ec.DEFAULT_CLIENTS) <= set(data["clients"])
    assert len(data["features"]) > 250


@pytest.mark.skipif(not (CANIEMAIL / "node_modules" / "caniemail").is_dir(),
                    reason="needs `npm ci` in tests/lint/caniemail (node is test-time only)")
def test_the_snapshot_is_what_the_script_makes_from_the_pinned_package() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("snapshot", CANIEMAIL / "snapshot.py")
    assert spec and spec.loader
    snapshot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(snapshot)
    package = CANIEMAIL / "node_modules" / "caniemail"
    version = json.loads((package / "package.json").read_text())["version"]
    made = snapshot.convert(json.loads((package / "data" / "caniemail.json").read_text()),
                            version)
    assert made == ec.data(), "regenerate: cd tests/lint/caniemail && python3 snapshot.py"


def test_latest_tested_version_decides() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("snapshot", CANIEMAIL / "snapshot.py")
    assert spec and spec.loader
    snapshot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(snapshot)
    # numbers, not text: 10.3 is newer than 6.1, a date newer than a version
    assert snapshot.latest({"5.1": "n", "6.1": "n", "10.3": "a #1", "12.2": "y"}) == "y"
    assert snapshot.latest({"2024-04": "y", "2024-01": "n"}) == "y"


def test_selectors_are_classified_like_caniemail() -> None:
    kinds = ec._selector_kinds
    assert kinds(".a .b") == {"class", "descendant"}
    assert kinds(".a.b") == {"class", "chaining"}
    assert kinds("td > p") == {"type", "child"}
    assert kinds("h1 + p") == {"type", "adjacent-sibling"}
    assert kinds("h1 ~ p") == {"type", "general-sibling"}
    assert kinds('a[href^="tel"]') == {"type", "attribute"}
    assert kinds("#outlook a") == {"id", "type", "descendant"}
    assert kinds("*") == {"universal"}
    uses = style("h1, h2 { color: red } a:hover { color: blue }")
    assert "css-selector-grouping" in uses and "css-pseudo-class-hover" in uses


def test_values_units_functions_and_keywords() -> None:
    uses = style(".a { width: 50%; margin: 1.5em 2rem; color: #1e90ff; "
                 "background: linear-gradient(#fff, rgba(0,0,0,.5)); font-family: system-ui; "
                 "width: calc(100% - 10px) }")
    for slug in ("css-unit-percent", "css-unit-em", "css-unit-rem", "css-linear-gradient",
                 "css-rgba", "css-sytem-ui", "css-unit-calc"):
        assert slug in uses, slug
    # a hex colour is no unit, a url() is no function use
    assert "css-unit-ex" not in style(".a { color: #1e90ff; background: url(a1ex.png) }")


def test_off_values_are_no_use_but_hiding_is() -> None:
    uses = style("img { outline: none; border: 0; text-decoration: none } "
                 ".x { display: none } .y { border: 1px solid red }")
    assert [u.detail for u in uses["css-border"]] == ["border"]
    assert "css-outline" not in uses and "css-text-decoration" not in uses
    assert "css-display-none" in uses and "css-display" in uses


def test_media_and_supports_blocks_reach_only_the_clients_that_read_them() -> None:
    uses = style("@media (max-width: 480px) { .x { display: block !important } } "
                 "@supports (display: grid) { .y { display: grid } }")
    grid = uses["css-display-grid"][0]
    assert grid.requires == ("css-at-supports",)
    block = uses["css-display"][0]
    assert block.requires == ("css-at-media",)
    assert not ec.reaches(block, "outlook.windows")  # Outlook ignores @media
    assert ec.reaches(block, "apple-mail.ios")


def test_conditional_comments() -> None:
    html = ("<html><body><!--[if mso]><p style=\"border-radius: 2px\">mso</p><![endif]-->"
            "<!--[if !mso]><!--><p style=\"opacity: .5\">others</p><!--<![endif]-->"
            "<p style=\"max-height: 9px\">all</p></body></html>")
    uses = found(html)
    assert "css-border-radius" not in uses  # written for Outlook, a comment elsewhere
    opacity = uses["css-opacity"][0]
    assert opacity.hidden_from_outlook and not ec.reaches(opacity, "outlook.windows")
    assert not uses["css-max-height"][0].hidden_from_outlook


def test_handlebars_in_css_does_not_derail_the_parser() -> None:
    uses = style(".a { color: {{Attributes.Color}}; border-radius: 4px } "
                 "{{#if Attributes.Dark}}.b { opacity: .5 }{{/if}} .c { cursor: pointer }")
    assert {"css-border-radius", "css-opacity", "css-cursor"} <= set(uses)


def test_comments_in_css_are_no_selectors() -> None:
    uses = style("/* brand * styles */ .a { color: red }")
    assert "css-comments" in uses and "css-selector-universal" not in uses


def test_gaps_group_clients_and_skip_what_changes_nothing() -> None:
    html = ('<!DOCTYPE html><html><body><a href="#" target="_blank" '
            'style="border-radius: 4px">x</a></body></html>')
    gaps = {g.feature: g for g in ec.gaps(ec.uses(html), ec.DEFAULT_CLIENTS)}
    assert "html-doctype" not in gaps and "html-target" not in gaps
    radius = gaps["css-border-radius"]
    assert radius.unsupported == ("outlook.windows",)
    assert ec.describe_clients(("gmail.ios", "gmail.android", "outlook.windows")) == \
        "Gmail (iOS, Android), Outlook (Windows)"


def test_email_clients_setting() -> None:
    known = ["E007"]
    table = {"email-clients": ["gmail.*", "outlook.windows"]}
    selection = from_config(table, source="ptk.toml", known=known)
    assert selection.email_clients == ("gmail.android", "gmail.desktop-webmail", "gmail.ios",
                                       "gmail.mobile-webmail", "outlook.windows")
    with pytest.raises(ConfigError, match=r"\[lint\]\.email-clients: 'gmial\.\*' matches no"):
        from_config({"email-clients": ["gmial.*"]}, source="ptk.toml", known=known)
    with pytest.raises(ConfigError, match="expected a non-empty list"):
        from_config({"email-clients": "gmail.*"}, source="ptk.toml", known=known)


def test_fallbacks_of_a_hidden_block_are_no_uses() -> None:
    # a pre-header hidden by display:none, with the usual belt-and-braces fallbacks
    uses = style(".preheader { display: none !important; visibility: hidden; max-height: 0; "
                 "opacity: 0; overflow: hidden; mso-hide: all }")
    assert "css-display-none" in uses
    assert not {"css-visibility", "css-opacity", "css-overflow"} & set(uses)
    assert "css-opacity" in style(".fade { opacity: 0.5 }")


def test_client_findings_appear_in_every_output_format() -> None:
    from toolkit.config import load_config
    from toolkit.lint.formats import FORMATS
    from toolkit.lint.runner import lint

    case = Path(__file__).resolve().parents[1] / "data" / "lint" / "E007" / "fail"
    findings = lint(load_config(case, explicit=case / "ptk.toml"), jobs=1).findings
    assert any(f.code == "E007" for f in findings)
    for name, render in FORMATS.items():
        text = render(findings, checked=("t",), rules={}, version="0")
        assert "E007" in text and "border-radius" in text, name


@pytest.mark.parametrize("html", [
    "<html><body>" + "<!--" * 30_000 + "</body></html>",                   # 76 s before
    "<html><body>" + "<!--[if mso]>" * 20_000 + "</body></html>",          # 90 s before
    "<html><body>" + "<!--[if !mso]><!-->" * 20_000 + "</body></html>",
    "<html><head><style>" + "a{" * 30_000 + "</style></head></html>",     # 66 s before
    "<html><head><style>" + "a{" * 30_000 + "}</style></head></html>",
])
def test_many_unclosed_comments_or_blocks_are_scanned_at_once(html: str) -> None:
    import time

    started = time.monotonic()
    ec.uses(html)
    assert time.monotonic() - started < 20  # well under a second now


def test_comments_are_the_regexs() -> None:
    import random
    import re

    regex = re.compile(r"<!--(.*?)-->", re.DOTALL)
    pieces = ["<!--", "-->", "<!-->", "<", "!", "-", ">", "a", "\n"]
    rng = random.Random(7)
    for _ in range(2000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert list(ec._comments(html)) == [(m.start(), m.group(1)) for m in regex.finditer(html)]


def test_display_none_hides_only_its_own_block() -> None:
    assert "css-border-radius" not in style(".a{display:none;border-radius:3px}.c{color:red}")
    assert "css-border-radius" in style(".a{display:none}.c{border-radius:3px}")
    assert "css-border-radius" in style(".a{border-radius:3px}.c{display:none}")
    assert "css-border-radius" not in style(".a{display:none;border-radius:3px;")  # unclosed
    assert "css-border-radius" in style(".a{border-radius:3px;")
