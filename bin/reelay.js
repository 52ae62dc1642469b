#!/usr/bin/env node
// The `reelay` executable. In a checkout (src/ present and tsx installed) it runs the TypeScript
// sources, so `npx reelay` works right after `npm install` with no build and never runs a stale
// dist/; in an installed package (no src/) it runs the compiled dist/cli/main.js.
// `reelay serve` and `reelay worker` first re-execute themselves with the memory settings of
// bin/node-runtime.js (same process id; REELAY_NODE_OPTIONS overrides, `off` disables).
import { existsSync } from 'node:fs';
import { applyNodeRuntime } from './node-runtime.js';

applyNodeRuntime(process);

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

async function loadTsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

const tsx = existsSync(source) ? await loadTsx() : undefined;
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('reelay: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
