import type { IncomingHttpHeaders } from 'node:http';
import { ReelayError } from '../../domain/errors.js';

/** The `x-reelay-*` request headers of the OpenAI-compatible endpoint. */
export interface ReelayRequestHeaders {
  /** `x-reelay-session`: sticky-session id. */
  session: string | undefined;
  /** `x-reelay-fallback`: overrides the group's policy. */
  fallback: 'auto' | 'off' | 'ask' | undefined;
  /** `x-reelay-fallback-models`: an explicit chain. */
  fallbackModels: string[] | undefined;
  /** `x-reelay-decision` + `x-reelay-choose`: the answer to an `ask` decision. */
  decision: { token: string; choose: string } | undefined;
  /** `x-reelay-stream-recovery: off`: end a broken stream with an error at once. */
  streamRecovery: boolean;
  /** `x-reelay-first-token-timeout-ms`, `x-reelay-stall-timeout-ms`: per-request limits. */
  firstTokenTimeoutMs: number | undefined;
  stallTimeoutMs: number | undefined;
}

const SESSION = /^[A-Za-z0-9._:-]{1,200}$/;

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

function invalid(header: string, message: string): ReelayError {
  return new ReelayError('REELAY_ERR_VALIDATION', `Header ${header} is invalid: ${message}`, {
    details: { fields: [{ field: header, message }] },
  });
}

function millis(headers: IncomingHttpHeaders, name: string): number | undefined {
  const raw = one(headers, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 600_000)
    throw invalid(name, 'an integer number of ms from 1 to 600000');
  return n;
}

/** Reads and checks the `x-reelay-*` headers. @throws ReelayError `REELAY_ERR_VALIDATION`. */
export function readReelayHeaders(headers: IncomingHttpHeaders): ReelayRequestHeaders {
  const session = one(headers, 'x-reelay-session');
  if (session !== undefined && !SESSION.test(session))
    throw invalid('x-reelay-session', '1–200 characters of A-Z a-z 0-9 . _ : -');
  const fallback = one(headers, 'x-reelay-fallback');
  if (fallback !== undefined && fallback !== 'auto' && fallback !== 'off' && fallback !== 'ask')
    throw invalid('x-reelay-fallback', 'one of auto, off, ask');
  const models = one(headers, 'x-reelay-fallback-models');
  const token = one(headers, 'x-reelay-decision');
  const choose = one(headers, 'x-reelay-choose');
  if ((token === undefined) !== (choose === undefined))
    throw invalid(
      token === undefined ? 'x-reelay-decision' : 'x-reelay-choose',
      'x-reelay-decision and x-reelay-choose go together',
    );
  const recovery = one(headers, 'x-reelay-stream-recovery');
  if (recovery !== undefined && recovery !== 'off' && recovery !== 'on')
    throw invalid('x-reelay-stream-recovery', 'on or off');
  return {
    session,
    fallback,
    fallbackModels: models
      ?.split(',')
      .map((m) => m.trim())
      .filter((m) => m.length > 0),
    decision: token !== undefined && choose !== undefined ? { token, choose } : undefined,
    streamRecovery: recovery !== 'off',
    firstTokenTimeoutMs: millis(headers, 'x-reelay-first-token-timeout-ms'),
    stallTimeoutMs: millis(headers, 'x-reelay-stall-timeout-ms'),
  };
}
