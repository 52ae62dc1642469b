/**
 * The `/docs` page: a small self-contained HTML page that fetches `/openapi.json` and lists the
 * operations with their parameters, bodies and responses. Self-written rather than Swagger UI so
 * the server ships no third-party browser assets and loads nothing from a CDN.
 */
export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reelay API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 1.5rem;color:#1d1d1f}
h1{margin-bottom:.2rem}code,pre{font:13px ui-monospace,monospace}
pre{background:#f4f4f6;padding:.6rem;border-radius:6px;overflow:auto;max-height:24rem}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}.m{display:inline-block;min-width:4.2rem;font-weight:700}
.GET{color:#0a6}.POST{color:#06c}.HEAD{color:#777}.err{color:#b00}
</style>
</head>
<body>
<h1>Reelay API</h1>
<p>Generated from the server's route schemas: <a href="openapi.json">openapi.json</a>.
Send <code>Authorization: Bearer &lt;key&gt;</code> when the server has API keys.</p>
<main id="ops">Loading…</main>
<script>
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; };
const json = (v) => { const p = el('pre'); p.textContent = JSON.stringify(v, null, 2); return p; };
fetch('openapi.json').then((r) => r.json()).then((doc) => {
  const root = document.getElementById('ops');
  root.textContent = '';
  root.append(el('p', (doc.info && doc.info.description) || ''));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const d = el('details');
      const s = el('summary');
      s.append(el('span', method.toUpperCase(), 'm ' + method.toUpperCase()), el('code', path), el('span', ' ' + (op.summary || '')));
      d.append(s);
      if (op.description) d.append(el('p', op.description));
      if (op.parameters && op.parameters.length) { d.append(el('h4', 'Parameters')); d.append(json(op.parameters)); }
      if (op.requestBody) { d.append(el('h4', 'Request body')); d.append(json(op.requestBody)); }
      d.append(el('h4', 'Responses')); d.append(json(op.responses || {}));
      root.append(d);
    }
  }
  if (doc.components && doc.components.schemas) { root.append(el('h2', 'Schemas')); root.append(json(doc.components.schemas)); }
}).catch((e) => { document.getElementById('ops').replaceChildren(el('p', 'Could not load openapi.json: ' + e, 'err')); });
</script>
</body>
</html>
`;
