import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultSimulator, startFaultSimulator } from '../../src/providers/simulator/fault-simulator.js';
import { CliProcess, cliEnv, REPO, tempDir } from '../cli/cli-harness.js';

/** Every ```ts block of the README, in order. */
const EXAMPLES = [...readFileSync(join(REPO, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
  (m) => m[1] as string,
);
const TSX = join(REPO, 'node_modules/tsx/dist/esm/index.mjs');
const SERVER_URL = 'http://localhost:8080';
/** The address the OpenAI-compatible examples use. */
const SERVER_URL_IP = 'http://127.0.0.1:8080';

let dir: string;
let cleanup: () => Promise<void>;
let server: CliProcess | undefined;
let upstream: FaultSimulator | undefined;
let url = '';

/**
 * The example as written, except where it is: the package's names resolve to this checkout's
 * source, and the documented server address to a `reelay serve` started for the test.
 */
function asRunnable(code: string): string {
  return code
    .replaceAll("from 'reelay/client'", `from '${join(REPO, 'src/client/index.ts')}'`)
    .replaceAll("from 'reelay'", `from '${join(REPO, 'src/index.ts')}'`)
    .replaceAll("from 'openai'", `from '${join(REPO, 'node_modules/openai/index.mjs')}'`)
    .replaceAll(SERVER_URL, url)
    .replaceAll(SERVER_URL_IP, url);
}

function run(file: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // REELAY_API_KEY: the server runs without keys, so any bearer is accepted (the OpenAI SDK needs one).
    const env = { ...cliEnv(), REELAY_API_KEY: 'readme-example' };
    const child = spawn(process.execPath, ['--import', TSX, file], { cwd: dir, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} still running after ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  if (EXAMPLES.some((e) => e.includes(SERVER_URL) || e.includes(SERVER_URL_IP))) {
    // The OpenAI-compatible examples ask for model group `chat`: serve it from a local simulator.
    upstream = await startFaultSimulator({ port: 0 });
    const chat = {
      deployments: [{ id: 'sim', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${upstream.url}/v1` }],
    };
    await writeFile(join(dir, 'reelay.config.json'), JSON.stringify({ modelGroups: { chat } }));
    server = CliProcess.cli(['serve', '--port', '0', '--data-dir', 'server-data'], {
      cwd: dir,
      env: cliEnv(),
    });
    url = (await server.waitFor(/Reelay API listening on (http:\/\/\S+)/, 60_000))[1] as string;
  }
}, 90_000);

afterAll(async () => {
  server?.kill();
  await upstream?.close();
  await cleanup?.();
});

describe('every TypeScript example of the README runs as written and exits 0', () => {
  it('there are examples to run', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
  });
  EXAMPLES.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('import')) ?? '';
    it(`example ${i + 1}: ${title.slice(0, 70)}`, async () => {
      const file = join(dir, `example-${i + 1}.ts`);
      await writeFile(file, asRunnable(code));
      const result = await run(file, 420_000);
      expect(result.output).not.toMatch(/Error|Warning: Detected unsettled top-level await/);
      expect(result.code).toBe(0);
    }, 450_000);
  });
});
