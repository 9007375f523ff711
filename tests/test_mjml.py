"""MJML compilation: deterministic HTML, Handlebars intact, includes read by ptk, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import RenderError
from toolkit.mjml import _compile, compile_mjml, read_includes

DOC = """<mjml>
  <mj-head><mj-title>Hi {{User.UserAttributes.FirstName}}</mj-title></mj-head>
  <mj-body>
    <mj-raw>{{#if ShowPromo}}</mj-raw>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{User.UserAttributes.FirstName}}<br>
          <ul>{{#each User.UserAttributes.Interests}}<li>{{this}}</li>{{/each}}</ul>
        </mj-text>
        <mj-button href="https://x.example/?u={{User.UserId}}&amp;t={{Attributes.Token}}">Go</mj-button>
        <mj-image src="https://cdn.example/{{Attributes.Image}}.png" alt="{{Attributes.Alt}}" />
      </mj-column>
    </mj-section>
    <mj-raw>{{/if}}</mj-raw>
  </mj-body>
</mjml>
"""


def test_compiles_to_html_and_keeps_handlebars(tmp_path: Path) -> None:
    html = compile_mjml(DOC, path=tmp_path / "email.mjml")
    assert html.lower().startswith("<!doctype html>") and "<mj-" not in html
    for token in ("<title>Hi {{User.UserAttributes.FirstName}}</title>", "{{#if ShowPromo}}",
                  "{{/if}}", "{{#each User.UserAttributes.Interests}}<li>{{this}}</li>{{/each}}",
                  "?u={{User.UserId}}&amp;t={{Attributes.Token}}",
                  'src="https://cdn.example/{{Attributes.Image}}.png"', 'alt="{{Attributes.Alt}}"'):
        assert token in html


def test_output_is_deterministic(tmp_path: Path) -> None:
    carousel = ('<mjml><mj-body><mj-section><mj-column><mj-carousel>'
                '<mj-carousel-image src="a.png" /><mj-carousel-image src="b.png" />'
                '</mj-carousel></mj-column></mj-section></mj-body></mjml>')
    for source in (DOC, carousel):
        outputs = set()
        for _ in range(3):
            _compile.cache_clear()  # compile afresh each time
            outputs.add(compile_mjml(source, path=tmp_path / "e.mjml"))
        assert len(outputs) == 1


def test_includes_are_read_relative_to_the_including_file(tmp_path: Path) -> None:
    (tmp_path / "t" / "parts").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "brand.css").write_text(".brand { color: #123456; }")
    (tmp_path / "t" / "parts" / "footer.mjml").write_text(
        '<mj-section><mj-column><mj-text>Footer {{Address}}</mj-text>\n'
        '<mj-include path="legal.mjml" /></mj-column></mj-section>')
    (tmp_path / "t" / "parts" / "legal.mjml").write_text("<mj-text>Legal</mj-text>")
    source = ('<mjml><mj-head><mj-include path="../shared/brand.css" type="css" /></mj-head>'
              '<mj-body><mj-include path="parts/footer.mjml" /></mj-body></mjml>')
    path = tmp_path / "t" / "email.mjml"
    includes = read_includes(source, path=path)
    assert [i.path for i in includes] == [(tmp_path / "shared" / "brand.css").resolve(),
                                          (tmp_path / "t" / "parts" / "footer.mjml").resolve(),
                                          (tmp_path / "t" / "parts" / "legal.mjml").resolve()]
    html = compile_mjml(source, path=path, includes=includes)
    assert "#123456" in html and "Footer {{Address}}" in html and "Legal" in html


def test_an_error_inside_an_included_file_is_reported_there(tmp_path: Path) -> None:
    (tmp_path / "f.mjml").write_text('<mj-text>A</mj-text>\n<mj-include path="g.mjml" />')
    (tmp_path / "g.mjml").write_text("<mj-text>B</mj-text>")
    source = ('<mjml><mj-body><mj-section><mj-column><mj-include path="f.mjml" />'
              '</mj-column></mj-section></mj-body></mjml>')
    with pytest.raises(RenderError) as info:
        compile_mjml(source, path=tmp_path / "email.mjml")
    assert (info.value.path, info.value.line) == (str((tmp_path / "f.mjml").resolve()), 2)
    assert "top level of an included file" in info.value.hint


def test_include_files_belong_to_the_channel(repo_root: Path) -> None:
    from toolkit.config import load_config
    from toolkit.loader import load_repository

    channel = load_repository(load_config(repo_root), ["welcome"]).template("welcome") \
        .channels["email"]
    assert "templates/_shared/brand.css" in channel.files
    part = channel.part("HtmlPart")
    assert part.source.startswith("<mjml") and part.location.path == "templates/welcome/email.mjml"
    assert 8_000 < len(part.source.encode()) < 20_000


@pytest.mark.parametrize("source, line, column, words", [
    ("<mjml>\n<mj-body>\n  <mj-section>\n</mj-body></mjml>", 4, 1,
     "</mj-body> closes <mj-section> opened at 3:3"),
    ("<mjml>\n<mj-body>\n  <mj-section><mj-column><mj-text>x</mj-column>", 3, 26,
     "<mj-text> is never closed"),
    ("<mjml><mj-body>\n  <mj-section><mj-column><mj-texte>x</mj-texte>", 2, 26,
     "unknown MJML element <mj-texte>"),
    ("<mjml><mj-body></mj-body></mjml>\n</mj-section>", 2, 1,
     "closing </mj-section> without an opening tag"),
    ("<mjml><mj-body>\n<mj-section><mj-column>\n  <mj-include path=\"nope.mjml\" />"
     "</mj-column></mj-section></mj-body></mjml>", 3, 3, "included file 'nope.mjml' not found"),
    ("<mjml><mj-body><mj-section><mj-column>\n  <mj-button href=\"{{link \"a\"}}\">x</mj-button>"
     "</mj-column></mj-section></mj-body></mjml>", 2, 27, "MJML error"),
])
def test_errors_name_the_file_line_and_column(tmp_path: Path, source: str, line: int,
                                              column: int, words: str) -> None:
    path = tmp_path / "email.mjml"
    with pytest.raises(RenderError) as info:
        compile_mjml(source, path=path)
    error = info.value
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert words in error.message and error.message.startswith(f"{path}:{line}:{column}")
    assert error.hint
    if "mj-texte" in source:
        assert error.hint == "did you mean <mj-text>?"


def test_mrml_byte_positions_become_line_and_column(tmp_path: Path) -> None:
    # Non-ASCII text before the error: MRML counts bytes, ptk reports characters.
    source = ('<mjml><mj-body><mj-section><mj-column><mj-text>日本語</mj-text>\n'
              '  <mj-include path="x.mjml" /></mj-column></mj-section></mj-body></mjml>')
    with pytest.raises(RenderError) as info:
        compile_mjml(source, path=tmp_path / "e.mjml", includes=())  # x.mjml not provided
    assert (info.value.line, info.value.column) == (2, 4)
    assert "unable to load included template" in info.value.message


@pytest.mark.parametrize(("body", "line"), [
    ("<mj-wrapper>" * 3000 + "</mj-wrapper>" * 3000, 1),
    ("<mj-raw>\n" + "<div>" * 20000 + "</div>" * 20000 + "</mj-raw>", 2),
])
def test_nesting_that_would_crash_mrml_is_a_located_error(tmp_path: Path, body: str,
                                                          line: int) -> None:
    # MRML overflows its stack (segmentation fault: the whole ptk process died) at about
    # 2,000 nested mj-* elements or 10,000 nested HTML tags.
    source = f"<mjml><mj-body>{body}</mj-body></mjml>"
    with pytest.raises(RenderError) as info:
        compile_mjml(source, path=tmp_path / "email.mjml")
    assert info.value.line == line and "nested more than 500 deep" in info.value.message


def test_deep_nesting_inside_an_include_is_reported_in_the_include(tmp_path: Path) -> None:
    (tmp_path / "deep.mjml").write_text("<mj-raw>" + "<p><span>" * 400 + "</mj-raw>")
    source = '<mjml><mj-body><mj-include path="deep.mjml" /></mj-body></mjml>'
    with pytest.raises(RenderError) as info:
        compile_mjml(source, path=tmp_path / "email.mjml")
    assert info.value.path == str((tmp_path / "deep.mjml").resolve())


def test_ordinary_nesting_void_elements_and_comments_are_fine(tmp_path: Path) -> None:
    row = "<tr><td><img src='x.png'><br><hr/><!-- <div><div> --></td></tr>"
    source = ("<mjml><mj-body><mj-section><mj-column><mj-table>" + row * 600
              + "</mj-table></mj-column></mj-section></mj-body></mjml>")
    assert "x.png" in compile_mjml(source, path=tmp_path / "email.mjml")


def test_an_include_behind_a_symlink_loop_is_located(tmp_path: Path) -> None:
    (tmp_path / "loop.mjml").symlink_to("loop.mjml")
    source = '<mjml><mj-body>\n  <mj-include path="loop.mjml" /></mj-body></mjml>'
    with pytest.raises(RenderError) as info:
        read_includes(source, path=tmp_path / "email.mjml")
    assert (info.value.line, info.value.column) == (2, 3)
    assert "symbolic link loop" in info.value.message
