/**
 * The web UI in a real browser (Debian's Chromium through playwright-core) against a real server:
 * the form's field errors, a job created in the page that finishes and plays, a stalled provider
 * under `ask` answered from the dialog (with a reload while the job waits), the providers
 * dashboard's breaker buttons, the jobs search, API keys kept for the tab only, and the phone
 * layout — each page checked with axe-core. Screenshots: test-artifacts/web/.
 */

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript build script without declarations
import { buildWebAssets } from '../../scripts/build-web.mjs';
import { createServer } from '../../src/server/create-server.js';
import { createOpenAiFixture, OPENAI_ROUTES } from '../fixtures/llm-tts/openai-fixture.js';
import { SCRIPT, tokensOf } from '../pipeline/networked-harness.js';
import { removeDir, TEST_BRIEF, tempDir } from '../support/pipeline-harness.js';
import {
  axeCheck,
  chromiumAvailable,
  FIXTURE_KEY,
  launchBrowser,
  screenshot,
  startWebServer,
  type WebServer,
} from './web-harness.js';

const available = chromiumAvailable();
const openaiFx = createOpenAiFixture({ apiKey: FIXTURE_KEY, tokens: tokensOf(JSON.stringify(SCRIPT)) });

let dir: string;
let server: WebServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The job the first test creates; later tests look at it again. */
let finishedJobId = '';

beforeAll(async () => {
  if (!available) return;
  await buildWebAssets();
  await openaiFx.start();
  dir = await tempDir('reelay-web-');
  [server, browser] = await Promise.all([startWebServer(dir, openaiFx), launchBrowser()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
}, 60_000);

afterAll(async () => {
  if (!available) return;
  await browser?.close();
  await server?.close();
  await openaiFx.stop();
  await removeDir(dir);
});

/** Fills the New video form with a small, fast request. */
async function fillForm(
  p: Page,
  options: { llm?: string; policy?: 'ask' | 'auto' | 'off'; brief?: string } = {},
): Promise<void> {
  await p.goto(`${server.url}/#/new`);
  await p.waitForFunction(
    () => ((document.querySelector('#f-providers-llm') as HTMLSelectElement | null)?.options.length ?? 0) > 1,
  );
  await p.fill('#f-brief', options.brief ?? TEST_BRIEF);
  await p.fill('#f-durationMinutes', '0.05');
  await p.click('details.advanced summary');
  await p.fill('#f-options-width', '480');
  await p.fill('#f-options-height', '270');
  await p.fill('#f-options-fps', '15');
  await p.uncheck('input[name="options.motion"]');
  await p.uncheck('input[name="options.subtitles"]');
  await p.selectOption('#f-options-density', 'dense');
  if (options.llm) await p.selectOption('#f-providers-llm', options.llm);
  await p.check(`input[name="fallbackPolicy"][value="${options.policy ?? 'auto'}"]`);
}

async function submitForm(p: Page): Promise<string> {
  await p.click('form button[type="submit"]');
  await p.waitForURL(/#\/jobs\/.+/);
  return decodeURIComponent(new URL(p.url()).hash.replace('#/jobs/', ''));
}

describe.skipIf(!available)('web UI in Chromium', () => {
  it('shows field errors from the problem details, then creates a job that finishes and plays', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#f-brief');
    await page.fill('#f-brief', 'short');
    await page.click('form button[type="submit"]');
    await page.waitForSelector('#f-brief-error:not(:empty)');
    expect(await page.textContent('#f-brief-error')).toContain('at least 10 characters');
    expect(await page.getAttribute('#f-brief', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-brief');
    expect(await axeCheck(page, 'new-video')).toEqual([]);
    await screenshot(page, 'new-video-errors');

    await fillForm(page);
    finishedJobId = await submitForm(page);
    await page.waitForSelector('.job-status[data-status="completed"]', { timeout: 45_000 });
    expect(await page.getAttribute('#overall-progress', 'value')).toBe('100');
    expect(await page.locator('.stage-done').count()).toBe(6);

    // The finished video plays in the page (Debian's Chromium decodes H.264) and has a thumbnail.
    await page.waitForFunction(
      () => (document.querySelector('video.player') as HTMLVideoElement | null)?.src,
    );
    await page.evaluate(async () => {
      const video = document.querySelector('video.player') as HTMLVideoElement;
      video.muted = true;
      await video.play();
    });
    await page.waitForFunction(
      () => (document.querySelector('video.player') as HTMLVideoElement).currentTime > 0.5,
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForFunction(
      () => (document.querySelector('img.thumb') as HTMLImageElement).naturalWidth > 0,
    );
    expect(
      await page.evaluate(() => (document.querySelector('img.thumb') as HTMLImageElement).naturalWidth),
    ).toBe(480);
    await page.waitForSelector('.metadata');
    expect(await page.textContent('.metadata')).toContain('h264');
    expect(await page.getAttribute('a[download^="video-"]', 'href')).toBe(
      `/api/video/${finishedJobId}/download`,
    );
    expect(await axeCheck(page, 'job-finished')).toEqual([]);
    await screenshot(page, 'job-finished');
  }, 70_000);

  it('under ask a stalled provider opens the dialog; a reload resumes; the answer switches and is audited', async () => {
    openaiFx.reset();
    openaiFx.set(OPENAI_ROUTES.chat, { kind: 'stall', afterFrames: 3 });
    await fillForm(page, {
      llm: 'openai',
      policy: 'ask',
      brief: `${TEST_BRIEF} Told by a stalled provider.`,
    });
    const jobId = await submitForm(page);

    const dialog = page.locator('dialog.decision[open]');
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.locator('h2').textContent()).toBe('The provider seems stalled');
    expect(await page.locator('[data-latency="stallSuspected"]').textContent()).toBe(
      'Stall Suspected • Awaiting Response',
    );
    const percentBefore = await page.getAttribute('#overall-progress', 'value');
    expect(await axeCheck(page, 'stall-dialog')).toEqual([]);
    await screenshot(page, 'stall-dialog');

    // Reload mid-job: the page replays the job's events and is back where it was.
    await page.reload();
    await dialog.waitFor({ timeout: 10_000 });
    expect(await page.getAttribute('#overall-progress', 'value')).toBe(percentBefore);
    expect(await page.locator('.timeline li[data-code="DECISION_AFTER_STALL"]').count()).toBe(1);
    expect(await page.textContent('.current-provider')).toContain('openai');

    const choice = await dialog.locator('input[name="decision-alt"]:checked').getAttribute('value');
    expect(choice).toBeTruthy();
    await dialog.locator('button[data-option="try_alternative"]').click();
    await dialog.locator(`button[data-confirm="try_alternative"]`).click();
    await page.waitForSelector('dialog.decision', { state: 'hidden' });

    const switched = page.locator('.timeline li', { hasText: `Switched openai → ${choice}` });
    await switched.waitFor({ timeout: 20_000 });
    expect(await switched.locator('code.reason').textContent()).toMatch(/^USER_/);
    expect(await page.locator('.timeline li[data-code="TRY_ALTERNATIVE"]').count()).toBe(1);
    await page.waitForSelector('.job-status[data-status="completed"]', { timeout: 45_000 });
    expect(await page.textContent('[data-stage="script"]')).toContain(String(choice));
    const decisions = await server.reelay.service.decisions(jobId);
    expect(decisions).toMatchObject([{ fromProvider: 'openai', toProvider: choice, userConfirmed: true }]);
    await screenshot(page, 'job-after-decision');
  }, 80_000);

  it('opens and closes a breaker from the providers dashboard', async () => {
    await page.goto(`${server.url}/#/providers`);
    const card = page.locator('[data-provider="openai"]');
    await card.locator('button[data-action="open"]').click();
    await card.locator('[data-breaker="open"]').waitFor();
    expect(await card.locator('[data-breaker]').textContent()).toContain('maintenance from the web UI');
    expect(server.reelay.kit.breakers.get('openai').state.state).toBe('open');
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(3);
    // The chart of a provider the earlier jobs called is drawn from the server's hourly series.
    const template = page.locator('[data-provider="template"]');
    expect(Number(await template.locator('svg.chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await template.locator('svg.chart').getAttribute('aria-label')).toContain('last 24 h');
    expect(await template.locator('.prediction').textContent()).toMatch(/^Prediction: /);
    const budgets = page.locator('section.budgets');
    expect(await budgets.locator('h2').textContent()).toBe('Spend and budgets');
    expect(await budgets.locator('meter').count()).toBe(3);
    expect(await budgets.textContent()).toContain('of $10.00 spent');
    expect(await axeCheck(page, 'providers')).toEqual([]);
    await screenshot(page, 'providers-breaker-open');
    await card.locator('button[data-action="close"]').click();
    await card.locator('[data-breaker="closed"]').waitFor();
    expect(server.reelay.kit.breakers.get('openai').state.state).toBe('closed');
  }, 30_000);

  it('finds jobs by words of their brief, by status and by provider', async () => {
    await page.goto(`${server.url}/#/jobs`);
    await page.waitForSelector('.job-item');
    expect(await page.locator('.job-item').count()).toBe(2);
    const search = async (q: string, status: string, provider: string, expected: number) => {
      await page.fill('#jobs-q', q);
      await page.selectOption('#jobs-status', status);
      await page.selectOption('#jobs-provider', provider);
      await page.click('form[role="search"] button[type="submit"]');
      await page.waitForFunction((n) => document.querySelectorAll('.job-item').length === n, expected);
    };
    await search('STALLED', '', '', 1); // only the second brief says it
    await search('rainbows', 'completed', 'openai', 2);
    await search('rainbows', 'failed', '', 0);
    await search('', '', 'captions-only', 0);
    expect(await axeCheck(page, 'jobs')).toEqual([]);
    await screenshot(page, 'jobs-list');
  }, 30_000);

  it('fits a 375 px phone without horizontal scrolling', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    const p = await phone.newPage();
    try {
      for (const [name, hash] of [
        ['phone-new-video', '#/new'],
        ['phone-job', `#/jobs/${finishedJobId}`],
        ['phone-providers', '#/providers'],
      ] as const) {
        await p.goto(`${server.url}/${hash}`);
        await p.waitForSelector(
          name === 'phone-job' ? '.metadata' : name === 'phone-new-video' ? '.provider-status' : '.provider',
        );
        expect(await p.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(375);
        if (name === 'phone-job') expect(await axeCheck(p, name)).toEqual([]);
        await screenshot(p, name);
      }
    } finally {
      await phone.close();
    }
  }, 40_000);

  it('asks for an API key when the server needs one and keeps it for the tab only', async () => {
    const keyed = createServer({ service: server.reelay.service, config: { apiKeys: ['web-secret-key-1'] } });
    const url = await keyed.listen({ host: '127.0.0.1', port: 0 });
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    try {
      await p.goto(`${url}/#/jobs`);
      await p.waitForSelector('#api-key');
      await p.fill('#api-key', 'wrong-key');
      await p.click('button[type="submit"]');
      await p.waitForSelector('#api-key-error:not(:empty)');
      await p.fill('#api-key', 'web-secret-key-1');
      await p.click('button[type="submit"]');
      await p.waitForSelector('.job-item');
      expect(await p.evaluate(() => [sessionStorage.getItem('reelay.apiKey'), localStorage.length])).toEqual([
        'web-secret-key-1',
        0,
      ]);
      await p.reload();
      await p.waitForSelector('.job-item');
      expect(await p.locator('#api-key').count()).toBe(0);
    } finally {
      await ctx.close();
      await keyed.close();
    }
  }, 30_000);

  it('disables the breaker buttons for a key without the admin scope and says why', async () => {
    const keyed = createServer({
      service: server.reelay.service,
      config: { apiKeys: ['viewer:web-viewer-key-1:submit+read', 'ops:web-ops-key-1:admin'] },
    });
    const url = await keyed.listen({ host: '127.0.0.1', port: 0 });
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    try {
      await p.goto(`${url}/#/providers`);
      await p.waitForSelector('#api-key');
      await p.fill('#api-key', 'web-viewer-key-1');
      await p.click('button[type="submit"]');
      const card = p.locator('[data-provider="openai"]');
      await card.locator('button[data-action]').waitFor();
      expect(await card.locator('button[data-action]').isDisabled()).toBe(true);
      expect(await p.locator('#breaker-scope-note').textContent()).toContain('admin scope');
      await screenshot(p, 'providers-no-admin-scope');
      await p.evaluate(() => sessionStorage.setItem('reelay.apiKey', 'web-ops-key-1'));
      await p.reload();
      await card.locator('button[data-action]').waitFor();
      expect(await card.locator('button[data-action]').isDisabled()).toBe(false);
      expect(await p.locator('#breaker-scope-note').count()).toBe(0);
    } finally {
      await ctx.close();
      await keyed.close();
    }
  }, 30_000);
});
