"""The Pinpoint helpers end to end: the documentation's template examples parsed and
rendered by the engine (corrected where the docs are wrong), and helper errors located at
the call's line:column."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from toolkit.errors import RenderError
from toolkit.handlebars import parse, render
from toolkit.handlebars.runtime import RenderEnv

ENV = RenderEnv(now=datetime(2020, 9, 19, 17, 30, tzinfo=timezone.utc),
                uuid=lambda: "95f36680-152c-4052-99ec-cc3cdf7ca594", escape_html=False)

DATA: dict[str, Any] = {
    "User": {"UserAttributes": {
        "FirstName": ["Jane"], "LastName": ["Alejandro"], "UserAge": ["22"],
        "FavoriteColors": ["red", "blue", "yellow"], "StartDate": ["09/19/2020"],
        "Last Name": ["Roe"],
    }},
    "Location": {"City": "Los Angeles", "Country": "US"},
    "Attributes": {"favorite_colors": ["blue", "red", "green"], "IsUserSubscribed": ["true"]},
}


def run(template: str, data: Any = None, env: RenderEnv = ENV) -> str:
    return render(parse(template), DATA if data is None else data, env=env).text


@pytest.mark.parametrize(("template", "expected"), [
    # default helpers
    ("{{#each User.UserAttributes.FavoriteColors}}<li>{{this}}</li>{{else}}none{{/each}}",
     "<li>red</li><li>blue</li><li>yellow</li>"),
    ("{{#if User.UserAttributes.FirstName.[0]}}Hello {{User.UserAttributes.FirstName.[0]}},"
     "{{else}}Hello,{{/if}}", "Hello Jane,"),
    # conditionals
    ('{{#and (eq Location.City "Los Angeles") (eq Location.Country "US")}}You live in Los '
     "Angeles and the US.{{else}}You don't.{{/and}}", "You live in Los Angeles and the US."),
    ('{{#eq User.UserAttributes.FavoriteColors.[0] "red"}}Your favorite color is red.{{else}}'
     "You don't like red.{{/eq}}", "Your favorite color is red."),
    ('{{#gt User.UserAttributes.UserAge.[0] "17"}}old enough{{else}}too young{{/gt}}',
     "old enough"),
    ('{{#gte User.UserAttributes.UserAge.[0] "18"}}yes{{else}}no{{/gte}}', "yes"),
    ('{{#lt User.UserAttributes.UserAge.[0] "18"}}young{{else}}adult{{/lt}}', "adult"),
    ('{{#lte User.UserAttributes.UserAge.[0] "17"}}young{{else}}adult{{/lte}}', "adult"),
    ('{{#neq User.UserAttributes.FavoriteColors.[0] "red"}}not red{{else}}red{{/neq}}', "red"),
    ('{{not (eq User.UserAttributes.FavoriteColors.[0] "red")}}', "false"),
    ('{{#or (eq Location.City "Los Angeles") (eq Location.City "Seattle")}}West Coast'
     "{{else}}elsewhere{{/or}}", "West Coast"),
    ('{{eq Location.Country "US" yes="domestic" no="abroad"}}', "domestic"),
    ('{{eq "5" 5}} {{eq 5 5}} {{gt "9" "17"}} {{gt 9 17}}', "false true true false"),
    # strings
    ("{{abbreviate User.UserAttributes.LastName.[0] 6}}", "Ale..."),
    ('{{capitalize "my first post"}}|{{capitalizeFirst "my first post"}}',
     "My First Post|My first post"),
    ("[{{center Location.City size=19}}]", "[    Los Angeles    ]"),
    ('{{cut Location.City "e"}}', "Los Angls"),
    ("{{dateFormat User.UserAttributes.StartDate.[0] inputFormat=\"MM/dd/yyyy\" "
     "outputFormat=\"full\" tz=America/Los_Angeles}}", "Saturday, September 19, 2020"),
    ("{{inflect 3 apple apples includeCount=false}}|{{inflect 3 apple apples includeCount=true}}",
     "apples|3 apples"),
    ('{{join Attributes.favorite_colors ", "}}', "blue, red, green"),
    ("[{{ljust Location.City size=15}}][{{rjust Location.City size=15}}]",
     "[Los Angeles    ][    Los Angeles]"),
    ('{{lower "Santos"}} {{upper "Roe"}}', "santos ROE"),
    ('{{now "medium" tz=America/Los_Angeles}}', "Sep 19, 2020"),
    ('{{now format="yyyy-MM-dd HH:mm" tz=Europe/Berlin locale=de_DE}}', "2020-09-19 19:30"),
    ("{{ordinalize User.UserAttributes.UserAge.[0]}}", "22nd"),
    ('{{replace Location.City " " "_"}}', "Los_Angeles"),
    ("{{slugify Location.City}}", "los-angeles"),
    ('{{stripTags "<h1>Art</h1>"}}', "Art"),
    ("{{substring Location.City 4 9}}", "Angel"),
    ("{{upper User.UserAttributes.[Last Name].[0]}}", "ROE"),
    ("{{yesno Attributes.IsUserSubscribed}}", "yes"),
    ('{{capitalizeFirst (lower "JANE")}}', "Jane"),
    # math and encoding
    ("{{add 5 2.3}} {{ceiling 5.23}} {{divide 5 2.3}} {{floor 5.23}} {{modulo 7 2}} "
     "{{multiply 5 2.3}} {{round 19.21}} {{subtract 5 2.3}}",
     "7.3 6 2.17391304 5 1 11.5 19 2.7"),
    ('{{md5 "Hello World"}}', "b10a8db164e0754105b7a99be72e3fe5"),
    ('{{encode64 "Hello World"}} {{decode64 "SGVsbG8gV29ybGQ="}}',
     "SGVsbG8gV29ybGQ= Hello World"),
    ('{{sha256 "Hello World"}}',
     "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e"),
    ("{{uuid}}", "95f36680-152c-4052-99ec-cc3cdf7ca594"),
    ("{{add (multiply 2 3) (divide 1 4)}}", "6.25"),
    ("{{#gt (add 1 1) 1}}more{{else}}less{{/gt}}", "more"),
    # inline partials
    ('{{#* inline "fullName"}}{{User.UserAttributes.FirstName.[0]}}{{#if User.UserAttributes'
     '.LastName}} {{User.UserAttributes.LastName.[0]}}{{/if}}{{/inline}}Hello {{> fullName}}',
     "Hello Jane Alejandro"),
])
def test_documented_examples(template: str, expected: str) -> None:
    assert run(template) == expected


def test_helper_output_is_escaped_in_html_parts() -> None:
    env = RenderEnv(escape_html=True)
    assert run('{{upper "a<b"}}', env=env) == "A&lt;B"
    assert run('{{{upper "a<b"}}}', env=env) == "A<B"


def test_missing_value_in_a_string_helper_is_recorded() -> None:
    result = render(parse("Hi {{upper User.UserAttributes.Nickname}}!"), DATA, env=ENV)
    assert result.text == "Hi !"
    assert [m.path for m in result.missing] == ["User.UserAttributes.Nickname"]


@pytest.mark.parametrize(("template", "line", "column", "message"), [
    ("Hi\n  {{abbreviate User.UserAttributes.FirstName.[0] 2}}", 2, 3,
     "abbreviate: width must be at least 4"),
    ("{{#gt User.UserAttributes.UserAge.[0] 17}}x{{/gt}}", 1, 1,
     "gt: cannot compare '22' (User.UserAttributes.UserAge"),
    ("a {{replace Location.City \" \"}}", 1, 3, "replace: needs 3 arguments, got 2"),
    ("{{dateFormat \"2020-09-19\" tz=Mars/Base}}", 1, 1, "dateFormat: unknown time zone"),
    ("{{divide 1 0}}", 1, 1, "divide: division by zero"),
    ("{{upper User.UserAttributes.FavoriteColors}} {{eq User.UserAttributes.FavoriteColors "
     "\"red\"}}", 1, 46, "eq: expects one value, got a list of 3 values"),
])
def test_helper_errors_carry_line_and_column(template: str, line: int, column: int,
                                             message: str) -> None:
    with pytest.raises(RenderError) as info:
        run(template)
    assert (info.value.line, info.value.column) == (line, column)
    assert message in info.value.message
