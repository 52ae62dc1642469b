import { apiErrorFromResponse, ReelayApiError } from './api-error.js';
import type { ClientBreaker } from './client-breaker.js';
import { backoffMs, type ResolvedClientOptions } from './client-options.js';

/** One call of {@link HttpTransport.send}. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'HEAD';
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** JSON body (sets Content-Type). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Retried on network errors, 5xx and 429 when true. */
  idempotent: boolean;
  /** Return once the headers arrive and leave the body to the caller (the timeout stops there). */
  stream?: boolean;
  /** Statuses that are not errors although not 2xx (e.g. 416 on a resumed download). */
  acceptStatuses?: readonly number[];
  /**
   * Count this call in the client breaker (and refuse it while open). Off for the event stream,
   * which has its own reconnect policy and must not block status polling. @default true
   */
  useBreaker?: boolean;
}

/** A response whose body was read as text (non-stream calls). */
export interface TextResponse {
  response: Response;
  text: string;
}

function linkAbort(controller: AbortController, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => {};
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

const NO_BREAKER = { state: 'closed', retryInMs: () => 0, onSuccess: () => {}, onFailure: () => {} } as const;

/**
 * `fetch` with the SDK's policies: bearer auth, a timeout, the client breaker, and retries of
 * idempotent calls with capped exponential backoff (honouring `Retry-After`). Non-2xx answers
 * become {@link ReelayApiError}s built from the server's problem details.
 */
export class HttpTransport {
  constructor(
    private readonly o: ResolvedClientOptions,
    private readonly breaker: ClientBreaker,
  ) {}

  /** Sends a request; for `stream` calls the body is left unread. */
  async send(req: TransportRequest): Promise<TextResponse> {
    const attempts = req.idempotent ? this.o.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let error: ReelayApiError;
      try {
        return await this.once(req);
      } catch (caught) {
        if (req.signal?.aborted) throw req.signal.reason;
        if (!ReelayApiError.isInstance(caught)) throw caught;
        error = caught;
      }
      if (attempt >= attempts || !error.retryable) throw error;
      const delay = Math.max(backoffMs(attempt, 1000, this.o.retryCapMs), error.retryAfterMs ?? 0);
      if ((error.retryAfterMs ?? 0) > this.o.maxRetryAfterMs) throw error;
      await this.o.sleep(delay, req.signal);
    }
  }

  /** Sends a request and parses a JSON answer. */
  async json<T>(req: Omit<TransportRequest, 'stream'>): Promise<T> {
    const { text } = await this.send(req);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async once(req: TransportRequest): Promise<TextResponse> {
    const breaker = req.useBreaker === false ? NO_BREAKER : this.breaker;
    if (breaker.state === 'open') {
      throw new ReelayApiError({
        status: 0,
        code: 'REELAY_ERR_CIRCUIT_OPEN',
        detail: `The client stopped calling ${this.o.baseUrl} after repeated failures; it tries again in ${Math.ceil(breaker.retryInMs() / 1000)} s.`,
      });
    }
    const controller = new AbortController();
    const unlink = linkAbort(controller, req.signal);
    let timedOut = false;
    const timer = this.o.clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.o.timeoutMs);
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...req.headers,
    };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.o.fetch(this.o.baseUrl + req.path, {
        method: req.method,
        headers,
        signal: controller.signal,
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      });
      const accepted = response.ok || (req.acceptStatuses ?? []).includes(response.status);
      if (accepted && req.stream) {
        breaker.onSuccess();
        return { response, text: '' };
      }
      const text = await response.text();
      if (accepted) {
        breaker.onSuccess();
        return { response, text };
      }
      if (response.status >= 500) breaker.onFailure();
      else if (response.status !== 429) breaker.onSuccess();
      throw apiErrorFromResponse(response, text, this.o.clock.now());
    } catch (error) {
      if (ReelayApiError.isInstance(error) || req.signal?.aborted) throw error;
      breaker.onFailure();
      throw new ReelayApiError({
        status: 0,
        code: timedOut ? 'REELAY_ERR_TIMEOUT' : 'REELAY_ERR_NETWORK',
        detail: timedOut
          ? `${req.method} ${req.path} got no answer within ${this.o.timeoutMs} ms.`
          : `${req.method} ${req.path} could not reach ${this.o.baseUrl}: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    } finally {
      this.o.clock.clearTimeout(timer);
      if (!req.stream) unlink();
    }
  }
}
