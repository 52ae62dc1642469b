#!/usr/bin/env node
// The `reelay` executable. In a checkout (src/ present and tsx installed) it runs the TypeScript
// sources, so `npx reelay` works right after `npm install` with no build and never runs a stale
// dist/; in an installed package (no src/) it runs the compiled dist/cli/main.js.
import { existsSync } from 'node:fs';

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
