"""Differential fuzzing against handlebars.js (a developer tool, not a test).

Generates random templates from the Handlebars grammar (blocks, else-if chains, inverse
sections, whitespace control, partials, subexpressions, @data, ../ paths …), renders them
with handlebars.js (regen.js, needs node and `npm install` here) and with ptk's engine,
and prints every difference. Multi-value lists are printed the handlebars.js way for the
comparison, and #each has no limit, so only unintended differences show.

    python tests/conformance/fuzz.py [--count 3000] [--seed 1] [--show 10] [--damage]
                                     [--random-data]

Known remaining differences: a helper's SafeString used as a collection (``{{#each (link
…)}}``, ``{{lookup (link …) 1}}``): handlebars.js sees an object, ptk a string.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

NAMES = ["name", "company", "items", "keys", "map", "flag", "zero", "nothing", "empty", "html",
         "num", "status", "User", "UserAttributes", "FirstName", "Interests", "address", "city",
         "price", "qty", "length", "a", "b", "0", "emptystr", "strs", "nested", "[foo bar]",
         "[0]"]
HELPERS = ["upper", "concat", "eq", "lookup", "link"]
BLOCKS = ["if", "unless", "each", "with", "items", "company", "nothing", "keys", "bold",
          "list", "eq", "map", "flag", "zero"]
SECTIONS = {"items", "company", "nothing", "keys", "map", "flag", "zero"}


class Generator:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def choice(self, seq):
        return self.rnd.choice(seq)

    def path(self) -> str:
        prefix = self.choice(["", "", "", "this.", "../", "@root.", "./", "@"])
        if prefix == "@":
            return "@" + self.choice(["index", "key", "first", "last", "root", "../index",
                                      "root.name"])
        segments = [self.choice(NAMES) for _ in range(self.choice([1, 1, 1, 2, 2, 3]))]
        return prefix + self.choice([".", "/"]).join(segments)

    def literal(self) -> str:
        return self.choice(['"x"', "'y'", '"a b"', "1", "0", "-1", "2.5", "true", "false",
                            "null", "undefined", '"<&>"'])

    def expression(self, depth: int = 0) -> str:
        r = self.rnd.random()
        if r < 0.55:
            return self.path()
        if r < 0.85 or depth > 2:
            return self.literal()
        args = " ".join(self.expression(depth + 1) for _ in range(self.rnd.randint(1, 2)))
        return f"({self.choice(HELPERS)} {args})"

    def arguments(self, most: int = 2) -> str:
        args = [self.expression() for _ in range(self.rnd.randint(0, most))]
        if self.rnd.random() < 0.2:
            args.append(self.choice(["url", "cls", "class", "includeZero"]) + "=" +
                        self.expression())
        return " ".join(args)

    def tilde(self) -> str:
        return self.choice(["", "~"])

    def text(self) -> str:
        return self.choice(["", "x", " ", "\n", "  \n", "a\nb", " - ", "<p>", "\n  ", "\t",
                            "&", "}", "{"])

    def mustache(self) -> str:
        r = self.rnd.random()
        t = self.tilde
        if r < 0.4:
            return f"{{{{{t()}{self.path()}{t()}}}}}"
        if r < 0.55:
            return f"{{{{{t()}{self.choice(HELPERS)} {self.arguments()}{t()}}}}}"
        if r < 0.65:
            return f"{{{{{{{self.path()}}}}}}}"
        if r < 0.7:
            return f"{{{{&{self.path()}}}}}"
        if r < 0.78:
            return self.choice(["{{! c }}", "{{!-- c --}}", "\\{{name}}",
                                "{{{{raw}}}} {{x}} {{{{/raw}}}}", "{{lookup map key}}",
                                "{{> card}}", "{{> footer}}", "{{> card company}}"])
        if r < 0.8:
            return self.choice([
                '{{#*inline "row"}}<{{name}}>{{/inline}}{{> row}}',
                "{{#> layout}}" + self.text() + "{{name}}{{/layout}}",
                "{{#> nope}}fallback{{/nope}}",
                '{{#> usesinline}}{{#*inline "slot"}}' + self.text() + "{{/inline}}{{/usesinline}}",
                "{{{{raw}}}}{{{{raw}}}}" + self.text() + "{{{{/raw}}}}{{{{/raw}}}}",
                "{{#each items as |it|}}{{it.name}}{{@index}}{{/each}}",
                "{{#if a}}x{{else each keys}}{{this}}{{/if}}",
                "{{#with company as |c|}}{{c.name}}{{/with}}",
            ])
        if r < 0.85:
            name = self.choice(["card", "footer", "itemrow", "(whichPartial)", "multiline"])
            arg = self.choice(["", self.path(), "name=" + self.expression()])
            return f"{{{{{t()}> {name} {arg}{t()}}}}}"
        return self.text()

    def node(self, depth: int = 0) -> str:
        if depth > 3 or self.rnd.random() < 0.55:
            return "".join(self.choice([self.mustache, self.text])()
                           for _ in range(self.rnd.randint(1, 3)))
        t = self.tilde
        name = self.choice(BLOCKS)
        kind = self.choice(["#", "#", "#", "^"])
        if name in SECTIONS:
            args = ""
        elif name == "list":
            args = self.choice(["items", "keys", "empty"])
        elif name in ("if", "unless", "each", "with"):
            args = self.expression()
        else:
            args = self.arguments(1)
        params = self.choice(["", "", "", " as |x i|"]) if kind == "#" and name in (
            "each", "with") else ""
        body = "".join(self.node(depth + 1) for _ in range(self.rnd.randint(0, 2)))
        otherwise = ""
        if self.rnd.random() < 0.4:
            if kind == "#" and name in ("if", "unless") and self.rnd.random() < 0.5:
                otherwise = (f"{{{{{t()}else if {self.expression()}{t()}}}}}" +
                             self.node(depth + 1) +
                             self.choice(["", "{{else}}" + self.node(depth + 1)]))
            else:
                otherwise = self.choice(["{{else}}", "{{^}}", "{{~else~}}", "\n{{else}}\n"]) + \
                    self.node(depth + 1)
        before = self.choice(["", "\n", "  ", "\n  "])
        after = self.choice(["", "\n", "  \n"])
        return (f"{before}{{{{{t()}{kind}{name} {args}{params}{t()}}}}}"
                f"{self.choice(['', chr(10)])}{body}{otherwise}{{{{{t()}/{name}{t()}}}}}{after}")

    def template(self) -> str:
        return "".join(self.node() for _ in range(self.rnd.randint(1, 3)))

    def data(self, depth: int = 0) -> object:
        """Random JSON data over the same names (numbers, strings, nulls, lists, objects)."""
        r = self.rnd.random()
        if depth > 2 or r < 0.5:
            return self.choice([None, True, False, 0, 1, -2.5, 0.1, 1e21, 1e-7, "", "x",
                                "<a&b>", "0", "false", 10.0, 12345678.9])
        if r < 0.75:
            return [self.data(depth + 1) for _ in range(self.rnd.randint(0, 4))]
        return {self.choice(NAMES).strip("[]"): self.data(depth + 1)
                for _ in range(self.rnd.randint(0, 5))}

    def damage(self, text: str) -> str:
        """Delete, duplicate or insert a few characters (for syntax-error agreement)."""
        for _ in range(self.rnd.randint(1, 3)):
            if not text:
                break
            i = self.rnd.randrange(len(text))
            op = self.choice(["del", "dup", "ins"])
            if op == "del":
                text = text[:i] + text[i + 1:]
            elif op == "dup":
                text = text[:i] + text[i:i + 3] + text[i:]
            else:
                text = text[:i] + self.choice(list("{}~#/^>&!()=|.@[]\"' \n")) + text[i:]
        return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=10)
    parser.add_argument("--damage", action="store_true",
                        help="damage the templates randomly (compares syntax errors)")
    parser.add_argument("--random-data", action="store_true",
                        help="render each template with its own random data")
    parser.add_argument("--save", type=Path, help="write the differing cases to this JSON file")
    args = parser.parse_args()

    import test_conformance as tc  # the same test helpers as the conformance test
    from toolkit.errors import RenderError
    from toolkit.handlebars import RenderEnv, runtime

    generator = Generator(args.seed)
    corpus = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
    cases = []
    for i in range(args.count):
        text = generator.template()
        case = {"name": f"fuzz_{i}",
                "template": generator.damage(text) if args.damage else text}
        if args.random_data:
            case["data"] = {name.strip("[]"): generator.data() for name in NAMES}
        cases.append(case)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "fuzz.json"
        file.write_text(json.dumps({"data": corpus["data"], "partials": corpus["partials"],
                                    "cases": cases}), encoding="utf-8")
        subprocess.run(["node", str(HERE / "regen.js"), str(file)], check=True,
                       capture_output=True)
        cases = json.loads(file.read_text(encoding="utf-8"))["cases"]

    pinpoint_output = runtime.to_output
    js_list = functools.partial(runtime.join_list, separator=",")  # handlebars.js joins with ","

    def js_output(value: object) -> str:  # for the test helpers' own printing
        return js_list(value) if isinstance(value, list) else pinpoint_output(value)

    tc.to_output = js_output  # type: ignore[assignment]
    env = RenderEnv(each_limit=None, print_list=js_list)
    differences = 0
    differing = []
    for case in cases:
        try:
            got, error = tc.run_case(case, env), None
        except RenderError as exc:
            got, error = None, str(exc)
        same = got is None if "error" in case else got == case["expected"]
        if not same:
            differences += 1
            differing.append(case)
            if differences <= args.show:
                print(f"{case['template']!r}\n  handlebars.js: {case.get('expected')!r} "
                      f"{case.get('error') or ''}\n  ptk:           {got!r} {error or ''}")
    print(f"{differences} differences in {len(cases)} random templates (seed {args.seed})")
    if args.save:
        args.save.write_text(json.dumps(differing, indent=1, ensure_ascii=False), encoding="utf-8")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
