import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { classifyError } from './classify-error.js';
import { MalformedResponseError, OutputValidationError } from './output-errors.js';

const errno = (code: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${code} something`), { code, ...extra });

describe('classifyError', () => {
  it('returns a categorised ReelayError unchanged', () => {
    const original = new ReelayError('REELAY_ERR_PROVIDER', 'x', { category: 'rate_limit', retryable: true });
    expect(classifyError(original, { provider: 'p' })).toBe(original);
  });

  it('gives an uncategorised ReelayError a category from its code, keeping its facts', () => {
    const stalled = new ReelayError('REELAY_ERR_STALLED', 'stalled', { provider: 'p', retryable: true });
    const out = classifyError(stalled, { provider: 'p' });
    expect(out.category).toBe('timeout');
    expect(out.code).toBe('REELAY_ERR_STALLED');
    expect(out.retryable).toBe(true);
    expect(out.cause).toBe(stalled);
    expect(classifyError(new ReelayError('REELAY_ERR_INTERNAL', 'x'), { provider: 'p' }).category).toBe(
      'system_error',
    );
  });

  it.each([
    'ECONNRESET',
    'ECONNREFUSED',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
  ])('%s → network_error, retryable', (code) => {
    const err = classifyError(errno(code), { provider: 'OpenAI' });
    expect(err.category).toBe('network_error');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({ errorCode: code });
    expect(err.message).toContain('OpenAI');
  });

  it('finds the network code in the cause of a fetch failure', () => {
    const fetchFailed = new TypeError('fetch failed', {
      cause: errno('ECONNREFUSED', { address: '127.0.0.1', port: 11434 }),
    });
    const err = classifyError(fetchFailed, { provider: 'Ollama' });
    expect(err.category).toBe('network_error');
    expect(err.message).toBe(
      'Ollama is not reachable at 127.0.0.1:11434 (connection refused): check that it is running and that the URL is right.',
    );
    const withUrl = classifyError(fetchFailed, { provider: 'Ollama', url: 'http://127.0.0.1:11434' });
    expect(withUrl.message).toContain('not reachable at http://127.0.0.1:11434');
  });

  it('treats fetch failed with an unknown cause and socket hang up as network errors', () => {
    const unknownCause = new TypeError('fetch failed', { cause: new Error('other') });
    expect(classifyError(unknownCause, { provider: 'p' }).category).toBe('network_error');
    expect(classifyError(new Error('socket hang up'), { provider: 'p' }).category).toBe('network_error');
    expect(classifyError(new TypeError('fetch failed'), { provider: 'p' }).category).toBe('system_error');
  });

  it('AbortError and TimeoutError → timeout', () => {
    expect(classifyError(new DOMException('aborted', 'AbortError'), { provider: 'p' }).category).toBe(
      'timeout',
    );
    const timeout = classifyError(new DOMException('timed out', 'TimeoutError'), { provider: 'p' });
    expect(timeout.category).toBe('timeout');
    expect(timeout.retryable).toBe(true);
  });

  it('malformed responses → processing_error, invalid output → quality_failure', () => {
    let syntax: unknown;
    try {
      JSON.parse('{oops');
    } catch (error) {
      syntax = error;
    }
    expect(classifyError(syntax, { provider: 'p' }).category).toBe('processing_error');
    expect(classifyError(new MalformedResponseError('no choices'), { provider: 'p' }).category).toBe(
      'processing_error',
    );
    const invalid = classifyError(new OutputValidationError('0 scenes'), { provider: 'OpenAI' });
    expect(invalid.category).toBe('quality_failure');
    expect(invalid.message).toBe('OpenAI produced output that failed validation: 0 scenes');
  });

  it('anything else → system_error, with the thrown value as cause and no secrets', () => {
    const thrown = new RangeError('bad key sk-abcdefghijklmnopqrstu');
    const err = classifyError(thrown, { provider: 'p' });
    expect(err.category).toBe('system_error');
    expect(err.cause).toBe(thrown);
    expect(err.message).not.toContain('abcdefghijklmnop');
    expect(classifyError('plain string', { provider: 'p' }).message).toContain('plain string');
  });
});
