#!/usr/bin/env node
/**
 * Fails when a source file imports from a layer above its own. The order (lowest first) is the
 * one in docs/architecture.md; files in the same layer may import each other. Unit tests
 * (`*.test.ts`) are not checked: a test may build its fixture with a higher layer's helpers
 * (a sample brief, the script schema) without the code under test depending on them.
 * Usage: node scripts/check-layers.mjs [srcDir]   (exit code 1 and one line per violation)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Layer rank per top-level folder of src/; a higher rank may import a lower one, never the reverse. */
export const LAYERS = {
  domain: 0,
  config: 1,
  state: 2,
  resilience: 3,
  patience: 4,
  routing: 5,
  providers: 6,
  pipeline: 7,
  jobs: 8,
  server: 9,
  cli: 9,
  web: 9,
  client: 9,
};

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function layerOf(srcDir, file) {
  const top = relative(srcDir, file).split(sep)[0];
  return top !== undefined && top in LAYERS ? top : undefined;
}

/** Every upward import under `srcDir`, as `file: imports target (from → to)` lines. */
export function findViolations(srcDir) {
  const root = resolve(srcDir);
  const violations = [];
  for (const file of sourceFiles(root)) {
    const from = layerOf(root, file);
    if (from === undefined || file.endsWith('.test.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (!spec) continue;
      const to = layerOf(root, resolve(dirname(file), spec));
      if (to === undefined || LAYERS[to] <= LAYERS[from]) continue;
      violations.push(`${relative(process.cwd(), file)}: imports ${spec} (${from} → ${to}, a higher layer)`);
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = findViolations(process.argv[2] ?? 'src');
  for (const line of violations) console.error(line);
  if (violations.length > 0) {
    console.error(`\n${violations.length} import(s) go up a layer; dependencies must point down.`);
    process.exit(1);
  }
  console.log('layers: every import points down');
}
