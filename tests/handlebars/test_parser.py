"""Parser: the AST shape, exact line:column, and syntax errors users can act on."""

from __future__ import annotations

import pytest

from toolkit.errors import RenderError
from toolkit.handlebars import HandlebarsSyntaxError, ast, parse


def nodes(text: str, kind: type) -> list:
    return [n for n in ast.walk(parse(text)) if isinstance(n, kind)]


def test_every_node_has_a_one_based_location() -> None:
    text = "Hi {{User.UserAttributes.FirstName}},\n  {{#if flag}}\n  {{upper name}}\n  {{/if}}\n"
    for node in ast.walk(parse(text)):
        assert node.line >= 1 and node.column >= 1, node
    path = nodes(text, ast.PathExpression)[0]
    assert (path.line, path.column) == (1, 6)
    assert path.parts == ("User", "UserAttributes", "FirstName")
    block = nodes(text, ast.BlockStatement)[0]
    assert (block.line, block.column) == (2, 3)
    upper = nodes(text, ast.MustacheStatement)[1]
    assert (upper.line, upper.column, upper.path.original) == (3, 3, "upper")
    assert (upper.params[0].line, upper.params[0].column) == (3, 11)


def test_paths_literals_and_hash() -> None:
    (m,) = nodes('{{link "a" 1.5 -2 true null undefined @index ../x this.[Last Name] '
                 'class=(upper name) tz=America/Los_Angeles}}', ast.MustacheStatement)
    kinds = [type(p).__name__ for p in m.params]
    assert kinds == ["StringLiteral", "NumberLiteral", "NumberLiteral", "BooleanLiteral",
                     "NullLiteral", "UndefinedLiteral", "PathExpression", "PathExpression",
                     "PathExpression"]
    assert m.params[1].value == 1.5 and m.params[2].value == -2
    data, parent, this = m.params[6:]
    assert data.data and data.parts == ("index",) and data.original == "@index"
    assert parent.depth == 1 and parent.parts == ("x",) and parent.this
    assert this.parts == ("Last Name",) and this.this and not this.bare
    keys = [p.key for p in m.hash.pairs]
    assert keys == ["class", "tz"]
    tz = m.hash.pairs[1].value
    assert tz.bare and tz.parts == ("America", "Los_Angeles")
    assert isinstance(m.hash.pairs[0].value, ast.SubExpression)


def test_block_structure_else_if_chain_and_block_params() -> None:
    (block, *_) = nodes("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", ast.BlockStatement)
    assert block.program.body[0].value == "A"
    assert block.inverse.chained
    inner = block.inverse.body[0]
    assert inner.path.original == "if" and inner.params[0].original == "b"
    assert inner.inverse.body[0].value == "C"
    (each,) = nodes("{{#each items as |item i|}}{{i}}{{/each}}", ast.BlockStatement)
    assert each.block_params == ("item", "i") and each.program.block_params == ("item", "i")
    (inverted,) = nodes("{{^x}}none{{/x}}", ast.BlockStatement)
    assert inverted.program is None and inverted.inverse.body[0].value == "none"


def test_other_statements() -> None:
    program = parse('{{!-- c --}}{{{raw}}}{{&amp}}{{> card ctx k=1}}{{#> layout}}x{{/layout}}'
                    '{{#*inline "n"}}y{{/inline}}{{{{raw}}}}{{z}}{{{{/raw}}}}')
    kinds = [type(n).__name__ for n in program.body]
    assert kinds == ["CommentStatement", "MustacheStatement", "MustacheStatement",
                     "PartialStatement", "PartialBlockStatement", "DecoratorBlock",
                     "BlockStatement"]
    assert program.body[0].value == " c "
    assert not program.body[1].escaped and not program.body[2].escaped
    raw = program.body[-1]
    assert raw.raw and raw.program.body[0].value == "{{z}}"


def test_standalone_lines_and_tilde_are_applied_to_content() -> None:
    program = parse("<ul>\n  {{#each a}}\n  <li>\n  {{/each}}\n</ul>")
    assert program.body[0].value == "<ul>\n"
    assert program.body[0].original == "<ul>\n  "
    assert parse("a  {{~x~}}  b").body[0].value == "a"


def test_deep_nesting_parses_without_recursion_error() -> None:
    n = 3000
    program = parse("{{#if a}}" * n + "x" + "{{/if}}" * n)
    depth = sum(1 for node in ast.walk(program) if isinstance(node, ast.BlockStatement))
    assert depth == n


@pytest.mark.parametrize("text, line, column, words", [
    ("a\n  b {{#if x}}\nc\n", 2, 5, ["{{#if}}", "line 2:5", "never closed"]),
    ("{{#each items}}\n{{#if a}}x{{/each}}", 2, 11, ["{{/each}}", "{{#if}}", "line 2:1"]),
    ("ok\n{{name}", 2, 7, ["{{ opened at line 2:1 is never closed"]),
    ("\n\n{{upper \"abc}}", 3, 9, ["string is never closed"]),
    ("{{#if a}}{{/if}", 1, 15, ["{{/ opened at line 1:10"]),
    ("x\n{{!-- never", 2, 1, ["comment"]),
    ("{{/if}}", 1, 1, ["never opened"]),
    ("{{else}}", 1, 1, ["outside a block"]),
    ("{{#if a}}{{else}}{{else}}{{/if}}", 1, 18, ["second {{else}}"]),
    ("{{foo a=1 b}}", 1, 11, ["key=value"]),
    ("{{> a b c}}", 1, 1, ["at most one"]),
    ("{{items.1}}", 1, 9, ["brackets"]),
    ("{{foo/../bar}}", 1, 3, ["invalid path"]),
    ("{{#each x as |}}{{/each}}", 1, 15, ["block parameter"]),
    ("{{{{raw}}}}x", 1, 12, ["raw block"]),
    ("a\x00b", 1, 2, ["NUL"]),
])
def test_syntax_errors_carry_line_column_and_hint(text: str, line: int, column: int,
                                                  words: list[str]) -> None:
    with pytest.raises(HandlebarsSyntaxError) as info:
        parse(text, path="templates/t/email.html")
    err = info.value
    assert isinstance(err, RenderError)
    assert (err.line, err.column) == (line, column), str(err)
    assert err.hint
    assert str(err).startswith(f"templates/t/email.html:{line}:{column}: ")
    for word in words:
        assert word in f"{err} / {err.hint}"


def test_crlf_and_lone_cr_count_as_line_breaks() -> None:
    with pytest.raises(HandlebarsSyntaxError) as info:
        parse("a\r\nb\rc\n{{#if x}}")
    assert info.value.line == 4
