"""The browser UI as shipped: present in the package, and free of the ways text could turn
into markup or script."""

from __future__ import annotations

import re

import pytest

from toolkit.serve.preview import ui_folder


def test_the_ui_ships_as_package_data() -> None:
    folder = ui_folder()
    for name in ("index.html", "app.js", "morph.js", "style.css", "__init__.py"):
        assert (folder / name).is_file(), name


def _code(name: str) -> str:
    text = (ui_folder() / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))


@pytest.mark.parametrize("name", ["app.js", "morph.js"])
def test_the_scripts_never_insert_markup(name: str) -> None:
    source = _code(name)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "srcdoc", "allow-scripts", "createContextualFragment"):
        assert sink not in source, sink


def test_only_the_email_is_parsed_as_html_and_only_inside_its_frame() -> None:
    source = _code("app.js")
    # the email frame's sandbox: no scripts, ever
    assert re.findall(r"allow-[a-z-]+", source) == ["allow-same-origin"]
    assert 'const EMAIL_SANDBOX = "allow-same-origin";' in source
    # the one HTML parse: the email, with the frame's own DOMParser (so under the frame's CSP)
    assert source.count("parseFromString") == 1 and "DOMParser" not in source.replace(
        "new win.DOMParser().parseFromString(html, \"text/html\")", "")
    assert "parseFromString" not in _code("morph.js")


def test_index_has_no_inline_script_or_style() -> None:
    html = (ui_folder() / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script>"
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
