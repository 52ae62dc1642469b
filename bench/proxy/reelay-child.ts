/** Child process of bench/proxy.ts: Reelay's server with one model group over the upstream. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { createServer as CreateServer } from '../../src/server/create-server.js';
import type { FakeReelayService as FakeService } from '../../test/support/fake-reelay-service.js';

const upstream = process.argv[2] ?? '';
// Another checkout's tree (an A/B baseline, see bench/proxy-cpu.ts --baseline), or this one.
const root = process.argv[3] ?? join(import.meta.dirname, '..', '..');
const from = (path: string): string => pathToFileURL(join(root, path)).href;
const { createServer } = (await import(from('src/server/create-server.ts'))) as {
  createServer: typeof CreateServer;
};
const { FakeReelayService } = (await import(from('test/support/fake-reelay-service.ts'))) as {
  FakeReelayService: typeof FakeService;
};
const app = createServer({
  service: new FakeReelayService(),
  openai: {
    groups: {
      bench: {
        deployments: [
          { id: 'primary', provider: 'sim', model: 'bench-model', baseUrl: `${upstream}/v1` },
          { id: 'backup', provider: 'sim', model: 'bench-model', baseUrl: `${upstream}/v1` },
        ],
      },
    },
  },
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url });
// A clean exit on SIGTERM, so `--cpu-prof` (bench/proxy-cpu.ts with PROXY_CPU_PROF) writes its file.
process.on('SIGTERM', () => process.exit(0));
