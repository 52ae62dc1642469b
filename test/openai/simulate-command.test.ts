import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/cli-test-io.js';
import { runSimulate } from '../../src/cli/commands/simulate.js';

describe('reelay simulate', () => {
  it('loads the example scenario, serves it and stops when asked', async () => {
    const io = memoryIo();
    let release!: () => void;
    const until = new Promise<void>((r) => {
      release = r;
    });
    const done = runSimulate(io, {
      port: 0,
      scenarioPath: 'examples/simulator-scenario.json',
      json: true,
      until: () => until,
    });
    for (let i = 0; i < 100 && !io.stdout.text.includes('\n'); i += 1)
      await new Promise((r) => setTimeout(r, 20));
    const line = JSON.parse(io.stdout.text.trim()) as { url: string; faults: number };
    expect(line.faults).toBe(10);
    const res = await fetch(`${line.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tides?' }] }),
    });
    expect(res.status).toBe(503);
    release();
    expect(await done).toBe(0);
  });

  it('reports an invalid scenario file naming the problem', async () => {
    await expect(
      runSimulate(memoryIo(), { port: 0, scenarioPath: 'package.json', until: async () => {} }),
    ).rejects.toThrow(/invalid/);
  });
});
