"""The HTML/MJML tag scanner used by the markup rules."""

from __future__ import annotations

from toolkit.lint.markup import iter_tags, line_column, scan


def test_tags_attributes_and_positions_with_handlebars_inside() -> None:
    text = ('<p>\n  <a href="{{link "x"}}" {{#if y}}data-y{{/if}} class=\'c\'>Go</a>'
            '<img src=x.png/><!-- <b> --><br>\n<script>if (a<b) {}</script></p>')
    tags = [(t.name, t.closing, t.self_closing, t.line, t.column) for t in iter_tags(text)]
    assert tags == [("p", False, False, 1, 1), ("a", False, False, 2, 3),
                    ("a", True, False, 2, 61), ("img", False, False, 2, 65),
                    ("br", False, False, 2, 93), ("script", False, False, 3, 1),
                    ("script", True, False, 3, 20), ("p", True, False, 3, 29)]
    anchor = next(iter_tags(text[4:]))
    assert anchor.attrs == {"href": '{{link "x"}}', "data-y": None, "class": "c"}
    assert next(iter_tags("<br/>")).self_closing


def test_nesting_problems() -> None:
    _, problems = scan("<table><tr><td><b>Total</td></tr></table></div>\n<span>")
    assert [(p.message, p.line, p.column) for p in problems] == [
        ("<b> opened at line 1 is not closed before </td>", 1, 16),
        ("</div> closes an element that is not open", 1, 42),
        ("<span> is never closed", 2, 1),
    ]
    assert scan("<p>one<p>two<ul><li>a<li>b</ul>")[1] == []  # optional end tags


def test_malformed_input_is_text_and_scanning_stays_linear() -> None:
    assert list(iter_tags("<a " * 50_000)) == []
    assert len(scan("<b><i>" * 20_000)[1]) == 40_000
    assert list(iter_tags('<a x="' * 20_000)) == []
    assert list(iter_tags("<!--" + "<b>" * 10)) == []


def test_line_column() -> None:
    text = "ab\ncd\n\nef"
    assert [line_column(text, i) for i in (0, 1, 3, 6, 7, 8)] == [
        (1, 1), (1, 2), (2, 1), (3, 1), (4, 1), (4, 2)]
