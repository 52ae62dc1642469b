import { describe, expect, it } from 'vitest';
import { ReelayApiError } from '../client/api-error.js';
import { ReelayError } from '../domain/errors.js';
import { exitCodeFor, reportError } from './error-report.js';
import { UsageError } from './usage-error.js';

describe('exitCodeFor', () => {
  it('maps stable codes and HTTP statuses to the documented exit codes', () => {
    expect(exitCodeFor('REELAY_ERR_VALIDATION')).toBe(2);
    expect(exitCodeFor('REELAY_ERR_CONFIG')).toBe(2);
    expect(exitCodeFor('REELAY_ERR_UNAUTHORIZED', 401)).toBe(2);
    expect(exitCodeFor('REELAY_ERR_PREFLIGHT')).toBe(4);
    expect(exitCodeFor('REELAY_ERR_NETWORK', 0)).toBe(4);
    expect(exitCodeFor('REELAY_ERR_INTERNAL', 503)).toBe(4);
    expect(exitCodeFor('REELAY_ERR_CANCELED')).toBe(3);
    expect(exitCodeFor('REELAY_ERR_NOT_FOUND', 404)).toBe(1);
    expect(exitCodeFor('REELAY_ERR_CONFLICT', 409)).toBe(1);
    expect(exitCodeFor('REELAY_ERR_INTERNAL', 500)).toBe(1);
  });
});

describe('reportError', () => {
  it('a usage error: exit 2 and the command’s --help', () => {
    expect(reportError(new UsageError('Unknown flag --x.', 'jobs'))).toEqual({
      exitCode: 2,
      text: 'reelay: Unknown flag --x.\nRun `reelay jobs --help` for usage.\n',
    });
  });

  it('a validation error lists every field, and names stage and provider of other errors', () => {
    const validation = new ReelayError('REELAY_ERR_VALIDATION', 'Invalid video request', {
      details: {
        fields: [
          { field: 'brief', message: 'at least 10 characters' },
          { field: 'options.fps', message: 'too big' },
        ],
      },
    });
    expect(reportError(validation).text).toBe(
      'reelay: Invalid video request\n  - brief: at least 10 characters\n  - options.fps: too big\n  (REELAY_ERR_VALIDATION)\n',
    );
    const stage = new ReelayError('REELAY_ERR_STAGE_FAILED', 'Narration failed', {
      stage: 'narration',
      provider: 'espeak',
    });
    expect(reportError(stage)).toEqual({
      exitCode: 1,
      text: 'reelay: Narration failed\n  (REELAY_ERR_STAGE_FAILED, stage narration, provider espeak)\n',
    });
  });

  it('a server that cannot be reached: exit 4 with what to do', () => {
    const error = new ReelayApiError({
      status: 0,
      code: 'REELAY_ERR_NETWORK',
      detail: 'connect ECONNREFUSED',
    });
    const r = reportError(error, { server: 'http://127.0.0.1:1' });
    expect(r.exitCode).toBe(4);
    expect(r.text).toMatch(
      /cannot reach the Reelay server at http:\/\/127\.0\.0\.1:1 — connect ECONNREFUSED\./,
    );
    expect(r.text).toMatch(/Start it with `reelay serve`/);
  });

  it('a problem from the server: its detail, fields, code, status and correlation id; 401 says how to pass the key', () => {
    const r = reportError(
      new ReelayApiError({
        status: 401,
        code: 'REELAY_ERR_UNAUTHORIZED',
        detail: 'Missing bearer key',
        correlationId: 'c1',
      }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.text).toBe(
      'reelay: Missing bearer key\n  Pass the server’s API key with --api-key or REELAY_API_KEY.\n  (REELAY_ERR_UNAUTHORIZED, HTTP 401, correlation id c1)\n',
    );
  });

  it('403 names the missing scope (from the server) and says how to check a key, exit 2', () => {
    const r = reportError(
      new ReelayApiError({
        status: 403,
        code: 'REELAY_ERR_FORBIDDEN',
        detail: 'POST /api/providers/:id/circuit needs the "admin" scope; the key "ci" has submit, read.',
        correlationId: 'c2',
      }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.text).toContain('needs the "admin" scope');
    expect(r.text).toContain('GET /api/auth/whoami');
    expect(r.text).toContain('(REELAY_ERR_FORBIDDEN, HTTP 403, correlation id c2)');
  });

  it('unexpected errors: no stack unless debug; key-shaped strings are redacted', () => {
    const error = new Error('boom with sk-abcdefghijklmnopqrstuvwx inside');
    const quiet = reportError(error);
    expect(quiet.exitCode).toBe(1);
    expect(quiet.text).toBe(
      'reelay: unexpected error — boom with [REDACTED] inside\n  Set REELAY_DEBUG=1 to see the stack trace.\n',
    );
    const loud = reportError(error, { debug: true });
    expect(loud.text).toMatch(/\n\s+at /);
    expect(loud.text).not.toContain('sk-abcdefghijklmnopqrstuvwx');
  });
});
