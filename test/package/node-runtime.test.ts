import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The lowest Node version package.json's `engines` accepts, as [major, minor]. */
function engineFloor(): [number, number] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  };
  const match = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node);
  if (!match) throw new Error(`unexpected engines.node: ${pkg.engines.node}`);
  return [Number(match[1]), Number(match[2])];
}

describe('the Node.js running the tests', () => {
  // npm scripts put node_modules/.bin first on PATH, where the `node` devDependency installs a
  // Node 24 binary: `npm test` must run tsc and vitest on it even on a machine whose own Node is older.
  it('satisfies the engines range of package.json', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const [floorMajor, floorMinor] = engineFloor();
    process.stdout.write(`tests run on Node ${process.version} (engines >=${floorMajor}.${floorMinor})\n`);
    expect(major > floorMajor || (major === floorMajor && minor >= floorMinor)).toBe(true);
  });
});
