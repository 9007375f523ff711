// ptk's MJML conformance suite, node side (test time only): compiles MJML with the reference
// compiler (npm mjml) and compares screenshots with pixelmatch. One JSON request per stdin
// line, one JSON answer per stdout line:
//   {"op": "compile", "source": "...", "path": "/abs/email.mjml"}
//     -> {"html": "...", "errors": [{"line": 3, "message": "..."}]}
//   {"op": "diff", "a": "/abs/a.png", "b": "/abs/b.png", "out": "/abs/diff.png" (optional)}
//     -> {"width": W, "height": H, "different": N}
// Images of different heights are compared on the taller height, the shorter one padded
// with white (so extra or missing content counts as different pixels).
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const mjml2html = require('mjml');
const { PNG } = require('pngjs');

// pixelmatch's defaults, written out: a per-pixel colour distance threshold in YIQ space of
// 0.1, and anti-aliased pixels (detected by pixelmatch) not counted as different.
const MATCH = { threshold: 0.1, includeAA: false };

function padded(png, width, height) {
  if (png.width === width && png.height === height) return png.data;
  const out = Buffer.alloc(width * height * 4, 255);
  for (let y = 0; y < png.height; y++) {
    png.data.copy(out, y * width * 4, y * png.width * 4, (y + 1) * png.width * 4);
  }
  return out;
}

async function handle(request) {
  if (request.op === 'compile') {
    const result = await mjml2html(request.source, {
      validationLevel: 'soft',
      ignoreIncludes: false, // mjml 5 skips mj-include by default
      filePath: request.path,
      actualPath: request.path,
    });
    return {
      html: result.html,
      errors: (result.errors || []).map((e) => ({ line: e.line, message: e.message })),
    };
  }
  if (request.op === 'diff') {
    const a = PNG.sync.read(fs.readFileSync(request.a));
    const b = PNG.sync.read(fs.readFileSync(request.b));
    const width = Math.max(a.width, b.width);
    const height = Math.max(a.height, b.height);
    const diff = request.out ? new PNG({ width, height }) : null;
    const { default: pixelmatch } = await import('pixelmatch'); // an ES module
    const different = pixelmatch(padded(a, width, height), padded(b, width, height),
      diff ? diff.data : null, width, height, MATCH);
    if (diff) fs.writeFileSync(request.out, PNG.sync.write(diff));
    return { width, height, different };
  }
  throw new Error(`unknown op ${request.op}`);
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch (error) {
    answer = { error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
