import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { findViolations } from '../../scripts/check-layers.mjs';

const check = findViolations as (srcDir: string) => string[];

describe('layer check', () => {
  const dirs: string[] = [];
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'reelay-layers-'));
    dirs.push(root);
    for (const [path, text] of Object.entries(files)) {
      const full = join(root, path);
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, text);
    }
    return root;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reports an import that goes up a layer (state → jobs)', () => {
    const root = tree({
      'state/store.ts': "import type { JobRecord } from '../jobs/job-record.js';\n",
      'jobs/job-record.ts': 'export interface JobRecord { id: string }\n',
    });
    const violations = check(root);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain('state → jobs');
  });

  it('accepts imports that point down or stay in the layer, and skips unit tests', () => {
    const root = tree({
      'routing/router.ts': "import { a } from '../domain/a.js';\nimport { b } from './b.js';\n",
      'routing/b.ts': 'export const b = 1;\n',
      'domain/a.ts': 'export const a = 1;\n',
      'routing/router.test.ts': "import { run } from '../pipeline/run.js';\n",
    });
    expect(check(root)).toEqual([]);
  });

  it('passes on the real source tree', () => {
    expect(check(join(import.meta.dirname, '../../src'))).toEqual([]);
  });
});
