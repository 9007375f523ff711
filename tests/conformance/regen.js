// Recomputes `expected` (or `error`) of every case in cases.json with handlebars.js.
// Usage (in this folder): npm install && npm run regen
// `node regen.js OTHER.json` does the same for another file of the same shape (fuzz.py).
// Fields written: expected (string) or error (message); everything else is kept as is.
'use strict';
const fs = require('fs');
const path = require('path');
const Handlebars = require('handlebars');

const file = process.argv[2] || path.join(__dirname, 'cases.json');
const corpus = JSON.parse(fs.readFileSync(file, 'utf8'));

// Test helpers. tests/conformance/test_conformance.py implements the same ones in Python.
function register(hb) {
  const rest = (args) => { const options = args.pop(); return [args, options]; };
  hb.registerHelper('upper', (...a) => {
    const [args] = rest(a);
    if (args.length !== 1) throw new Error('upper needs one argument');
    return args[0] == null ? '' : String(args[0]).toUpperCase();
  });
  hb.registerHelper('concat', (...a) => {
    const [args] = rest(a);
    return args.map((x) => (x == null ? '' : String(x))).join('');
  });
  hb.registerHelper('link', (...a) => {
    const [args, options] = rest(a);
    const esc = hb.Utils.escapeExpression;
    const cls = options.hash['class'] || options.hash.cls;
    return new hb.SafeString('<a href="' + esc(options.hash.url) + '"' +
      (cls ? ' class="' + esc(cls) + '"' : '') + '>' + esc(args[0]) + '</a>');
  });
  hb.registerHelper('eq', function (...a) {
    const [args, options] = rest(a);
    const result = args[0] === args[1];
    if (options.fn) return result ? options.fn(this) : options.inverse(this);
    return result;
  });
  hb.registerHelper('bold', function (options) { return '<b>' + options.fn(this) + '</b>'; });
  hb.registerHelper('list', function (items, options) {
    return '<ul class="' + (options.hash.cls || '') + '">' +
      items.map((item) => '<li>' + options.fn(item) + '</li>').join('') + '</ul>';
  });
  hb.registerHelper('raw', (options) => options.fn());
  hb.registerHelper('whichPartial', () => 'card');
}

let changed = 0;
for (const c of corpus.cases) {
  const hb = Handlebars.create();
  register(hb);
  const partials = Object.assign({}, corpus.partials, c.partials || {});
  for (const [name, text] of Object.entries(partials)) hb.registerPartial(name, text);
  const data = c.data === undefined ? corpus.data : c.data;
  const before = JSON.stringify([c.expected, c.error]);
  delete c.expected;
  delete c.error;
  try {
    c.expected = hb.compile(c.template)(data);
  } catch (e) {
    c.error = String(e.message).split('\n')[0];
  }
  if (JSON.stringify([c.expected, c.error]) !== before) changed++;
}
fs.writeFileSync(file, JSON.stringify(corpus, null, 1) + '\n');
console.log(`handlebars ${Handlebars.VERSION}: ${corpus.cases.length} cases, ${changed} changed`);
