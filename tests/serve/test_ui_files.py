"""The browser UI as shipped: present in the package, and free of the ways text could turn
into markup or script."""

from __future__ import annotations

import re

from toolkit.serve.preview import ui_folder


def test_the_ui_ships_as_package_data() -> None:
    folder = ui_folder()
    for name in ("index.html", "app.js", "style.css", "__init__.py"):
        assert (folder / name).is_file(), name


def test_app_never_inserts_markup() -> None:
    text = (ui_folder() / "app.js").read_text(encoding="utf-8")
    source = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "srcdoc", "allow-scripts", "allow-same-origin"):
        assert sink not in source, sink


def test_index_has_no_inline_script_or_style() -> None:
    html = (ui_folder() / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script>"
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
