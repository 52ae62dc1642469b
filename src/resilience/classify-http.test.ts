import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { classifyHttpResponse } from './classify-http.js';

const now = Date.parse('2025-01-01T00:00:00Z');
const json = (value: unknown): string => JSON.stringify(value);
const classify = (status: number, bodyText?: string, extra: Record<string, unknown> = {}) =>
  classifyHttpResponse({ provider: 'OpenAI', status, bodyText, now, ...extra });

describe('classifyHttpResponse by status', () => {
  it.each([
    [401, 'authentication', false],
    [403, 'authentication', false],
    [402, 'quota_exceeded', false],
    [408, 'timeout', true],
    [504, 'timeout', true],
    [429, 'rate_limit', true],
    [503, 'provider_overload', true],
    [529, 'provider_overload', true],
    [500, 'api_failure', true],
    [502, 'api_failure', true],
    [400, 'processing_error', false],
    [404, 'processing_error', false],
    [422, 'processing_error', false],
    [418, 'processing_error', false],
  ] as const)('HTTP %i → %s (retryable %s)', (status, category, retryable) => {
    const err = classify(status);
    expect(ReelayError.isInstance(err)).toBe(true);
    expect(err.code).toBe('REELAY_ERR_PROVIDER');
    expect(err.category).toBe(category);
    expect(err.retryable).toBe(retryable);
    expect(err.provider).toBe('OpenAI');
    expect(err.status).toBe(502);
    expect(err.details).toMatchObject({ httpStatus: status });
    expect(err.message).toContain(`HTTP ${status}`);
  });

  it('names the key variable on authentication failures', () => {
    const err = classify(
      401,
      json({ error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }),
      {
        keyEnvVar: 'OPENAI_API_KEY',
      },
    );
    expect(err.message).toMatch(
      /^OpenAI rejected the API key \(HTTP 401, invalid_api_key\): check OPENAI_API_KEY/,
    );
    expect(err.message).toContain('Provider said: "Incorrect API key provided"');
    expect(classify(403).message).toContain('check the configured API key');
  });

  it('attaches Retry-After to retryable responses only', () => {
    expect(classify(429, undefined, { headers: { 'retry-after': '20' } }).retryAfterMs).toBe(20_000);
    expect(classify(429, undefined, { headers: { 'retry-after': '20' } }).message).toContain('wait 20 s');
    expect(classify(503, undefined, { headers: { 'retry-after': '5' } }).retryAfterMs).toBe(5000);
    expect(
      classify(429, undefined, { headers: { 'retry-after': '900' }, maxRetryAfterMs: 60_000 }).retryAfterMs,
    ).toBe(60_000);
    expect(classify(400, undefined, { headers: { 'retry-after': '20' } }).retryAfterMs).toBeUndefined();
  });
});

describe('classifyHttpResponse by provider body', () => {
  it('OpenAI insufficient_quota on 429 is quota_exceeded, not a rate limit', () => {
    const body = json({
      error: {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    });
    const err = classify(429, body, { headers: { 'retry-after': '1' } });
    expect(err.category).toBe('quota_exceeded');
    expect(err.retryable).toBe(false);
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.details).toMatchObject({ providerCode: 'insufficient_quota' });
  });

  it('ElevenLabs quota_exceeded on 401 is quota_exceeded', () => {
    const body = json({ detail: { status: 'quota_exceeded', message: 'This request exceeds your quota.' } });
    const err = classifyHttpResponse({ provider: 'ElevenLabs', status: 401, bodyText: body, now });
    expect(err.category).toBe('quota_exceeded');
    expect(err.details).toMatchObject({
      providerCode: 'quota_exceeded',
      providerMessage: 'This request exceeds your quota.',
    });
  });

  it.each([
    ['context_length_exceeded', 'processing_error'],
    ['content_policy_violation', 'quality_failure'],
    ['model_not_found', 'api_failure'],
    ['invalid_request_error', 'processing_error'],
  ] as const)('OpenAI code %s on 400 → %s, not retryable', (code, category) => {
    const err = classify(400, json({ error: { message: 'x', type: 'invalid_request_error', code } }));
    expect(err.category).toBe(category);
    expect(err.retryable).toBe(false);
    expect(err.details).toMatchObject({ providerCode: code });
  });

  it('Anthropic error bodies: overloaded 529 and a too-long prompt', () => {
    const overloaded = classifyHttpResponse({
      provider: 'Anthropic',
      status: 529,
      bodyText: json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      now,
    });
    expect(overloaded.category).toBe('provider_overload');
    expect(overloaded.details).toMatchObject({
      providerCode: 'overloaded_error',
      providerMessage: 'Overloaded',
    });
    const tooLong = classifyHttpResponse({
      provider: 'Anthropic',
      status: 400,
      bodyText: json({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens' },
      }),
      now,
    });
    expect(tooLong.category).toBe('processing_error');
    expect(tooLong.details).toMatchObject({ providerCode: 'context_length_exceeded' });
    expect(tooLong.retryable).toBe(false);
  });

  it('ElevenLabs voice_not_found and plain-string detail', () => {
    const voice = classifyHttpResponse({
      provider: 'ElevenLabs',
      status: 404,
      bodyText: json({
        detail: { status: 'voice_not_found', message: 'A voice with the voice_id abc was not found.' },
      }),
      now,
    });
    expect(voice.category).toBe('api_failure');
    expect(voice.retryable).toBe(false);
    expect(voice.message).toContain('check the voice id');
    const plain = classifyHttpResponse({
      provider: 'ElevenLabs',
      status: 400,
      bodyText: json({ detail: 'Bad text' }),
      now,
    });
    expect(plain.details).toMatchObject({ providerMessage: 'Bad text' });
  });

  it('Ollama missing model suggests ollama pull', () => {
    const err = classifyHttpResponse({
      provider: 'Ollama',
      status: 404,
      bodyText: json({ error: "model 'llama9' not found, try pulling it first" }),
      now,
    });
    expect(err.category).toBe('api_failure');
    expect(err.details).toMatchObject({ providerCode: 'model_not_found' });
    expect(err.message).toContain('ollama pull');
  });

  it('Stable Diffusion WebUI and FastAPI validation bodies', () => {
    const sd = classifyHttpResponse({
      provider: 'StableDiffusion',
      status: 500,
      bodyText: json({ error: 'RuntimeError', detail: '', body: '', errors: 'CUDA out of memory' }),
      now,
    });
    expect(sd.category).toBe('api_failure');
    expect(sd.details).toMatchObject({ providerMessage: 'RuntimeError: CUDA out of memory' });
    const fastapi = classifyHttpResponse({
      provider: 'StableDiffusion',
      status: 422,
      bodyText: json({
        detail: [{ loc: ['body', 'steps'], msg: 'value is not a valid integer', type: 'type_error' }],
      }),
      now,
    });
    expect(fastapi.category).toBe('processing_error');
    expect(fastapi.details).toMatchObject({ providerMessage: 'body.steps: value is not a valid integer' });
  });

  it('HeyGen and Runway bodies', () => {
    const heygen = classifyHttpResponse({
      provider: 'HeyGen',
      status: 400,
      bodyText: json({ error: { code: 'content_policy_violation', message: 'Flagged' }, data: null }),
      now,
    });
    expect(heygen.category).toBe('quality_failure');
    const runway = classifyHttpResponse({
      provider: 'Runway',
      status: 400,
      bodyText: json({ error: 'Invalid ratio' }),
      now,
    });
    expect(runway.category).toBe('processing_error');
    expect(runway.details).toMatchObject({ providerMessage: 'Invalid ratio' });
  });

  it('redacts key-like text, shortens long messages and ignores HTML', () => {
    const leaked = classify(401, json({ error: { message: 'bad key sk-abcdefghijklmnopqrstuvwxyz' } }));
    expect(leaked.message).not.toContain('abcdefghijklmnop');
    expect(leaked.message).toContain('[REDACTED]');
    const long = classify(500, 'x'.repeat(5000));
    expect(String(long.details.providerMessage).length).toBe(200);
    const html = classify(502, '<html><body>Bad gateway</body></html>');
    expect(html.details.providerMessage).toBeUndefined();
  });
});
