// Runs @jsx-email/doiuse-email for tests/lint/test_client_support_doiuse.py (test time only).
// stdin:  {"clients": [...], "emails": {"name": "<html>"}, "status": [["title", "client"], ...]}
// stdout: {"emails": {"name": {"errors": [...], "warnings": [...]}},
//          "status": {"title\u0000client": "none" | "partial" | "full"}}
// "status" asks doiuse-email's own (bundled) data how it rates a feature for a client.
'use strict';
const { doIUseEmail, DoIUseEmail } = require('@jsx-email/doiuse-email');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const out = { emails: {}, status: {} };
  for (const [name, html] of Object.entries(request.emails || {})) {
    const result = doIUseEmail(html, { emailClients: request.clients });
    out.emails[name] = { errors: result.errors || [], warnings: result.warnings || [] };
  }
  for (const [title, client] of request.status || []) {
    const probe = new DoIUseEmail({ emailClients: [client] });
    let rating = 'full';
    try {
      probe.checkFeaturesSupport([title]);
      rating = probe.errors.length ? 'none' : probe.warnings.length ? 'partial' : 'full';
    } catch (error) {
      rating = 'unknown-feature';
    }
    out.status[`${title}\u0000${client}`] = rating;
  }
  process.stdout.write(JSON.stringify(out));
});
