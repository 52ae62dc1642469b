/**
 * Shared parts of the browser tests: Debian's Chromium driven by playwright-core, a real Reelay
 * server (the container `reelay serve` builds, listening on port 0 over a temporary data
 * directory with the offline providers plus an OpenAI-compatible chat fixture), the axe-core
 * check, and screenshots under test-artifacts/web/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { OpenAiChatProvider } from '../../src/providers/llm/openai-chat-provider.js';
import { createServer } from '../../src/server/create-server.js';
import type { FixtureServer } from '../fixtures/llm-tts/fixture-server.js';
import { startReelay, writeTinyCloudLlmProfile } from '../support/pipeline-harness.js';

/** Chromium used by the tests (Debian's package; override with CHROMIUM_PATH). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored; named in the README). */
export const ARTIFACTS_DIR = resolve('test-artifacts', 'web');

/** The only key the chat fixture accepts. */
export const FIXTURE_KEY = 'sk-test-web-ui-0123456789abcdefghij';

/**
 * True when Chromium can be driven. Outside CI a missing Chromium skips the browser tests with a
 * warning; in CI (CI=true) it is an error, since `.ci/run` installs the package.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message =
    `Browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH}. Install it with ` +
    '`bash scripts/ensure-deps.sh --browser` (Debian package chromium) or set CHROMIUM_PATH.';
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return false;
}

/** Headless Chromium; `--no-sandbox` because CI runs as root. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--disable-gpu', '--mute-audio'],
  });
}

/** Saves a full-page screenshot as test-artifacts/web/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One axe-core violation, reduced to what a failure message needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2 A/AA rules) in the page and returns the serious and critical violations;
 * all violations are written to test-artifacts/web/axe-<name>.json.
 */
export async function axeCheck(page: Page, name: string): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as {
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: string[] }>;
      }>;
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await writeFile(join(ARTIFACTS_DIR, `axe-${name}.json`), JSON.stringify(violations, null, 2));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A running server and its container. */
export interface WebServer {
  reelay: Reelay;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The container `reelay serve` runs (SQLite under `dir`, a worker, offline providers) plus an
 * `openai` chat provider at the fixture, whose cloud_llm patience is shrunk so a stalled stream
 * is suspected after 400 ms; the HTTP server listens on 127.0.0.1 port 0.
 */
export async function startWebServer(dir: string, openai: FixtureServer): Promise<WebServer> {
  const profilePath = await writeTinyCloudLlmProfile(dir, 'tiny thresholds for the browser stall test');
  // Generous budgets so the dashboard's "Spend and budgets" panel has limits to draw.
  await writeFile(
    join(dir, 'reelay.config.json'),
    JSON.stringify({ budgets: { perJobUsd: 5, perProvider: { openai: { dailyUsd: 10, monthlyUsd: 100 } } } }),
  );
  const reelay = await startReelay(dir, {
    env: { REELAY_TIMEOUT_PROFILES: profilePath },
    providers: [new OpenAiChatProvider({ apiKey: FIXTURE_KEY, baseUrl: `${openai.url}/v1` })],
  });
  const app = createServer({ service: reelay.service, config: reelay.config.server });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    reelay,
    app,
    url,
    close: async () => {
      await app.close();
      await reelay.close();
    },
  };
}
