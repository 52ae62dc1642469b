import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatTable } from '../format-table.js';

function healthCell(p: ProviderInfo): string {
  if (!p.health) return 'unknown';
  return p.health.healthy ? `ok (${p.health.latencyMs} ms)` : `DOWN: ${p.health.message}`;
}

/** The rows of the providers table. */
export function providerRows(list: readonly ProviderInfo[]): string[][] {
  return list.map((p) => [
    p.id,
    p.kind,
    p.profileType,
    healthCell(p),
    p.breaker.state,
    p.latency.p95Ms === null ? '-' : `${Math.round(p.latency.p95Ms)} ms`,
    p.score === null ? '-' : p.score.total.toFixed(1),
  ]);
}

/** `reelay providers`: every registered provider with health, breaker, p95 latency and score. */
export const providersCommand: CommandSpec = {
  name: 'providers',
  summary: 'List providers: kind, type, health, circuit breaker, p95 latency, selection score',
  description:
    'Lists every registered provider. Locally each provider’s health check runs first (skip with ' +
    '--no-check); against a server the server’s latest checks are shown.',
  positionals: [],
  options: { 'no-check': { type: 'boolean', description: 'Locally: do not run health checks first' } },
  examples: ['reelay providers', 'reelay providers --server http://127.0.0.1:8080 --json'],
  async run({ io }, args) {
    const backend = await openBackend(io, args, { worker: false });
    try {
      if (backend.local && args.values['no-check'] !== true) {
        const { registry, kit } = backend.local;
        await Promise.all(registry.list().map((p) => kit.health.checkNow(p.id).catch(() => undefined)));
      }
      const list = await backend.service.listProviders();
      if (args.values.json === true) {
        io.stdout.write(`${JSON.stringify({ providers: list }, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      io.stdout.write(
        formatTable(['id', 'kind', 'type', 'health', 'breaker', 'p95', 'score'], providerRows(list)),
      );
      const skipped = backend.local?.skippedProviders ?? [];
      if (skipped.length > 0) {
        io.stdout.write(`\nNot enabled:\n${skipped.map((s) => `  ${s.id}: ${s.skipped}`).join('\n')}\n`);
      }
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
