/** Child process of bench/proxy.ts: Reelay's server with one model group over the upstream. */
import { createServer } from '../../src/server/create-server.js';
import { FakeReelayService } from '../../test/support/fake-reelay-service.js';

const upstream = process.argv[2] ?? '';
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
