"""Benchmark: ptk's Handlebars engine against handlebars.js on a 20 KB email template.

The template is table-based HTML and CSS (about 20 KB) with 50 distinct variables and an
``#each`` over 15 order items (5 fields each, ``@index``, ``@first``/``@last``,
``#if``/``else``, ``../`` paths). Measured side by side in one run:

- parse + first render (ptk) vs compile + first render (handlebars.js), each on a fresh
  template (median of many runs)
- re-render of an already parsed template, median per render

handlebars.js runs in node from tests/conformance/node_modules (``npm install`` there);
without node or that package the script prints ptk's figures only.

    python bench/render.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.handlebars import ast, parse, render  # noqa: E402
from toolkit.handlebars.builtins import BUILTIN_HELPERS  # noqa: E402

NODE_MODULES = ROOT / "tests" / "conformance" / "node_modules"


def make_template() -> str:
    head = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{Attributes.Field01}}</title>
<style>
body { margin: 0; padding: 0; background: #f4f4f4; font-family: Helvetica, Arial, sans-serif; }
table { border-collapse: collapse; } td { padding: 0; } .wrap { width: 100%; background: #f4f4f4; }
.card { width: 600px; background: #ffffff; border-radius: 6px; } .muted { color: #888888; font-size: 12px; }
.btn { display: inline-block; padding: 12px 24px; background: #ff9900; color: #ffffff; text-decoration: none; }
.row td { border-bottom: 1px solid #eeeeee; padding: 8px 12px; font-size: 14px; color: #333333; }
</style></head>
<body>
<table class="wrap" role="presentation" width="100%"><tr><td align="center">
<table class="card" role="presentation">
<tr><td style="padding: 24px 32px; font-size: 22px; color: #232f3e;">
Hello {{User.UserAttributes.FirstName}} {{User.UserAttributes.LastName}},</td></tr>
<tr><td style="padding: 0 32px 16px 32px; font-size: 15px; line-height: 22px; color: #333333;">
Thank you for your order <strong>{{Order.Id}}</strong> placed on {{Order.Date}}.
It ships to {{Order.Street}}, {{Order.City}} {{Order.Zip}}, {{Order.Country}}.
</td></tr>
"""
    rows = []
    for i in range(1, 39):
        rows.append(
            f'<tr><td style="padding: 6px 32px; font-size: 13px; color: #555555; '
            f'line-height: 18px; border-top: 1px solid #f0f0f0;">'
            f'<span class="muted">Detail {i:02d}</span> &middot; '
            f'{{{{Attributes.Field{i:02d}}}}}</td></tr>\n')
    loop = """<tr><td style="padding: 16px 32px;">
<table role="presentation" width="100%">
{{#each Order.Items}}
<tr class="row{{#if @first}} first{{/if}}{{#if @last}} last{{/if}}">
  <td style="width: 24px; color: #999999;">{{@index}}</td>
  <td style="font-weight: bold;">{{name}}</td>
  <td style="color: #555555;">SKU {{sku}}</td>
  <td align="right">{{qty}} &times; {{price}}</td>
  <td align="right">{{#if discount}}-{{discount}}{{else}}&nbsp;{{/if}}</td>
  <td><a href="https://shop.example.com/item/{{sku}}?u={{../User.UserId}}" style="color: #0073bb;">view</a></td>
</tr>
{{/each}}
</table></td></tr>
"""
    tail = """<tr><td style="padding: 24px 32px;" align="center">
<a class="btn" href="https://shop.example.com/orders/{{Order.Id}}?u={{User.UserId}}">Track your order</a></td></tr>
<tr><td class="muted" style="padding: 16px 32px 32px 32px; line-height: 18px;">
You receive this email because {{Address}} is subscribed. Plan: {{Attributes.Plan}}.
<a href="https://shop.example.com/unsubscribe?u={{User.UserId}}" style="color: #888888;">Unsubscribe</a>
</td></tr>
</table></td></tr></table>
</body></html>
"""
    text = head + "".join(rows) + loop + tail
    filler = ("<!-- layout spacer: keeps the template at the size of a real marketing "
              "email with its inline styles and comments -->\n")
    while len(text) < 19_850:
        text = text.replace("</body>", filler + "</body>", 1)
    return text


def make_data() -> dict:
    return {
        "Address": "ada@example.com",
        "User": {"UserId": "user-0001", "UserAttributes": {"FirstName": ["Ada"],
                                                          "LastName": ["Lovelace"]}},
        "Attributes": {**{f"Field{i:02d}": [f"value {i} & more"] for i in range(1, 39)},
                       "Plan": ["Pro"]},
        "Order": {"Id": "A-1001", "Date": "2026-11-26", "Street": "12 Analytical Row",
                  "City": "London", "Zip": "NW1", "Country": "GB",
                  "Items": [{"name": f"Item <{i}>", "sku": f"SKU-{i:03d}", "qty": i % 4 + 1,
                             "price": round(9.99 + i * 1.5, 2),
                             "discount": (f"{i}%" if i % 3 == 0 else "")}
                            for i in range(15)]},
    }


def variable_paths(program) -> set[str]:
    """The distinct variable paths a template reads (mustaches and block arguments)."""
    found: set[str] = set()
    for node in ast.walk(program):
        candidates = []
        if isinstance(node, ast.MustacheStatement) and not node.params:
            candidates.append(node.path)
        if isinstance(node, (ast.MustacheStatement, ast.BlockStatement)):
            candidates.extend(node.params)
        found.update(c.original for c in candidates
                     if isinstance(c, ast.PathExpression) and not c.data)
    return found


def median_time(fn, seconds: float, min_runs: int = 5) -> tuple[float, int]:
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(times) < min_runs or time.perf_counter() < deadline:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


NODE_SCRIPT = r"""
const Handlebars = require(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const seconds = input.seconds;
function median(a) { a.sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; }
function now() { const [s, ns] = process.hrtime(); return s * 1e3 + ns / 1e6; }
const first = []; let out = '';
let deadline = now() + seconds * 1000;
while (first.length < 5 || now() < deadline) {
  const t0 = now();
  const tpl = Handlebars.create().compile(input.template);
  out = tpl(input.data);
  first.push(now() - t0);
}
const tpl = Handlebars.compile(input.template);
tpl(input.data);
const again = [];
deadline = now() + seconds * 1000;
while (again.length < 1000 || now() < deadline) {
  const t0 = now();
  tpl(input.data);
  again.push(now() - t0);
}
process.stdout.write(JSON.stringify({first: median(first), first_runs: first.length,
  again: median(again), again_runs: again.length, output: out}));
"""


def run_node(template: str, data: dict, seconds: float) -> dict | None:
    node = shutil.which("node")
    package = NODE_MODULES / "handlebars"
    if node is None or not package.exists():
        return None
    proc = subprocess.run([node, "-e", NODE_SCRIPT, str(package)], capture_output=True,
                          text=True, input=json.dumps({"template": template, "data": data,
                                                       "seconds": seconds}), check=True)
    return json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    template, data = make_template(), make_data()
    variables = variable_paths(parse(template))

    def first() -> str:
        return render(parse(template), data, helpers=BUILTIN_HELPERS).text

    program = parse(template)
    output = first()
    ptk_first, first_runs = median_time(first, args.seconds)
    ptk_again, again_runs = median_time(
        lambda: render(program, data, helpers=BUILTIN_HELPERS), args.seconds, 1000)
    items = {"name", "sku", "qty", "price", "discount", "../User.UserId"}
    print(f"template: {len(template):,} chars, {len(variables - items)} variables + "
          f"{len(variables & items)} paths inside the 15-item #each, "
          f"output {len(output):,} chars")
    print(f"ptk   parse + first render: {ptk_first * 1e3:8.3f} ms (median of {first_runs})")
    print(f"ptk   re-render:            {ptk_again * 1e3:8.3f} ms (median of {again_runs})")
    node = run_node(template, data, args.seconds)
    if node is None:
        print("node or tests/conformance/node_modules/handlebars not found: "
              "ptk figures only (run `npm install` in tests/conformance)")
        return 0
    same = "identical" if node["output"] == output else "DIFFERENT"
    print(f"hbs.js compile + first render: {node['first']:8.3f} ms (median of "
          f"{node['first_runs']})")
    print(f"hbs.js re-render:              {node['again']:8.3f} ms (median of "
          f"{node['again_runs']})")
    print(f"output: {same}")
    first_ratio = ptk_first * 1e3 / node["first"]
    again_ratio = ptk_again * 1e3 / node["again"]
    print(f"ratio parse+first render ptk/hbs.js: {first_ratio:6.2f}  (goal <= 1.0: "
          f"{'met' if first_ratio <= 1.0 else 'NOT met'})")
    print(f"ratio re-render          ptk/hbs.js: {again_ratio:6.2f}  (goal <= 8.0: "
          f"{'met' if again_ratio <= 8.0 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
