#!/usr/bin/env node
/**
 * Bundles the web UI (src/web/app) into dist/web/assets/app.js and app.css with esbuild: one
 * minified ES module and one style sheet, no source maps, nothing loaded from a network at run
 * time. `npm run build` runs it after tsc; the browser tests run it before starting a server.
 *
 * Usage: node scripts/build-web.mjs [outDir]
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the UI assets into `outDir` (default dist/web/assets) and returns their sizes in bytes.
 * @param {string} [outDir]
 * @returns {Promise<{ outDir: string, sizes: Record<string, number> }>}
 */
export async function buildWebAssets(outDir = join(root, 'dist', 'web', 'assets')) {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'src', 'web', 'app', 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(join(root, 'src', 'web', 'app', 'app.css'), join(outDir, 'app.css'));
  const sizes = {};
  for (const [file, info] of Object.entries(result.metafile.outputs)) sizes[basename(file)] = info.bytes;
  return { outDir, sizes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, sizes } = await buildWebAssets(process.argv[2]);
  // stderr: `npm pack --json` runs the build (prepack) and its stdout must stay JSON.
  process.stderr.write(`Web UI built into ${outDir}: ${JSON.stringify(sizes)}\n`);
}
