/**
 * Seeded hostile HTTP requests against the Reelay API, and the check every answer must pass: no
 * 5xx, and every error is `application/problem+json` carrying the echoed `X-Correlation-ID`. Used
 * by the fuzz benchmark (`bench/fuzz.ts`, ≥ 10 000 requests on SQLite and PostgreSQL) and by a
 * smaller seeded run in the test suite.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import { seededRandom } from './seeded-random.js';

export { seededRandom };

/** One request to send: through `http.request`, or as raw bytes on a socket. */
export type HostileRequest =
  | { kind: 'http'; method: string; path: string; headers: Record<string, string>; body?: string }
  | { kind: 'raw'; bytes: string };

const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ud83c\udf0a tides',
  '%00',
  "'; DROP TABLE jobs; --",
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'ﬀ\u202e\u200b',
  '',
  ' ',
  'x'.repeat(6000),
  '{}[]\\',
  'http://user:pw@host:11434/?api_key=sk-abcdef0123456789abcd',
];
const NASTY_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [1, 2],
  { nested: { deeper: '\u0000' } },
];
const ID_SHAPES = [
  'job-1',
  'job_does_not_exist',
  '%zz',
  '%',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  'a'.repeat(129),
  'a'.repeat(301),
  '%00',
  '%F0%9F%8C%8A',
  '-starts-with-dash',
  'x:y.z',
];
const LAST_EVENT_IDS = [
  '0',
  '1',
  '2147483647',
  '2147483648',
  '999999999999999',
  '1e3',
  '-1',
  'abc',
  '9'.repeat(30),
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function nastyString(rand: () => number): string {
  const base = pick(rand, NASTY_STRINGS);
  return rand() < 0.5 ? `A brief about tides for curious kids ${base}` : base;
}

function nastyValue(rand: () => number): unknown {
  return rand() < 0.6 ? nastyString(rand) : pick(rand, NASTY_VALUES);
}

const BRIEF_FIELDS = ['brief', 'style', 'voiceId', 'durationMinutes', 'fallbackPolicy', 'unknownField'];
const OPTION_FIELDS = [
  'audience',
  'goal',
  'tone',
  'language',
  'aspect',
  'pacing',
  'width',
  'height',
  'fps',
  'music',
  'videoBitrate',
];

function generateBody(rand: () => number): unknown {
  const body: Record<string, unknown> = {
    brief: 'Explain how tides work for curious kids',
    durationMinutes: 0.1,
  };
  const mutations = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < mutations; i++) {
    const r = rand();
    if (r < 0.5) body[pick(rand, BRIEF_FIELDS)] = nastyValue(rand);
    else if (r < 0.8) body.options = { [pick(rand, OPTION_FIELDS)]: nastyValue(rand) };
    else if (r < 0.9)
      body.providers = { [pick(rand, ['llm', 'tts', 'image', 'video', 'x'])]: nastyValue(rand) };
    else body[nastyString(rand).slice(0, 20)] = 1;
  }
  return body;
}

function jsonBody(rand: () => number, value: unknown): string {
  const r = rand();
  if (r < 0.05) return '{"brief": "unterminated';
  if (r < 0.08) return '';
  if (r < 0.1) return '[]';
  if (r < 0.12) return `{"brief":"${'\\ud800'}x tides for kids","durationMinutes":1}`;
  if (r < 0.14) return `{"reason":"a\\u0000b"}`;
  return JSON.stringify(value);
}

/**
 * The `n`-th hostile request of a seeded sequence. `jobIds` are ids of real jobs (so cancel,
 * decisions and streams reach the stores, not only the validators).
 */
export function hostileRequest(rand: () => number, jobIds: readonly string[]): HostileRequest {
  const id = jobIds.length > 0 && rand() < 0.5 ? pick(rand, jobIds) : pick(rand, ID_SHAPES);
  const json = { 'content-type': 'application/json' };
  const r = rand();
  if (r < 0.03) {
    return {
      kind: 'raw',
      bytes: pick(rand, [
        'GET /a b c HTTP/1.1\r\n\r\n',
        'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET / HTTP/9.9\r\n\r\n',
        'GET /api/jobs HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
        'POST /api/video/generate HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc',
        `GET /api/jobs HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      ]),
    };
  }
  if (r < 0.3) {
    const headers: Record<string, string> =
      rand() < 0.9
        ? json
        : {
            'content-type': pick(rand, ['text/plain', 'application/xml', 'application/json; charset=latin1']),
          };
    return {
      kind: 'http',
      method: 'POST',
      path: '/api/video/generate',
      headers,
      body: jsonBody(rand, generateBody(rand)),
    };
  }
  if (r < 0.45) {
    const reason = rand() < 0.8 ? nastyValue(rand) : 'changed my mind';
    return {
      kind: 'http',
      method: 'POST',
      path: `/api/video/${id}/cancel`,
      headers: json,
      body: jsonBody(rand, { reason }),
    };
  }
  if (r < 0.55) {
    const answer = {
      option: pick(rand, ['wait', 'try_alternative', 'cancel', 'bogus', '\u0000']),
      provider: nastyValue(rand),
      decisionId: nastyValue(rand),
    };
    return {
      kind: 'http',
      method: 'POST',
      path: `/api/jobs/${id}/decisions`,
      headers: json,
      body: jsonBody(rand, answer),
    };
  }
  if (r < 0.65) {
    const lastEventId = pick(rand, LAST_EVENT_IDS);
    return rand() < 0.5
      ? {
          kind: 'http',
          method: 'GET',
          path: `/api/video/${id}/stream`,
          headers: { 'last-event-id': lastEventId },
        }
      : {
          kind: 'http',
          method: 'GET',
          path: `/api/video/${id}/stream?lastEventId=${encodeURIComponent(lastEventId)}`,
          headers: {},
        };
  }
  if (r < 0.72) {
    const q = pick(rand, [
      'status=%zz',
      'status=completed',
      'limit=-1',
      'limit=99999',
      'cursor=%00',
      `cursor=${'x'.repeat(300)}`,
      'cursor=%F0%9F',
      'status[]=a',
    ]);
    return { kind: 'http', method: 'GET', path: `/api/jobs?${q}`, headers: {} };
  }
  if (r < 0.78) {
    const body = { action: pick(rand, ['open', 'close', 'isolate', 'explode']), reason: nastyValue(rand) };
    return {
      kind: 'http',
      method: 'POST',
      path: `/api/providers/${pick(rand, ['template-writer', 'nope', '%zz', 'a'.repeat(301)])}/circuit`,
      headers: json,
      body: jsonBody(rand, body),
    };
  }
  const paths = [
    `/api/video/${id}/status`,
    `/api/video/${id}/metadata`,
    `/api/video/${id}/download`,
    `/api/jobs/${id}/decisions`,
    `/api/jobs/${id}/decisions/pending`,
    '/api/providers',
    '/api/nowhere',
    '/%zz',
    `/api/video/${id}/status/${'%zz'}`,
  ];
  const headers: Record<string, string> =
    rand() < 0.2
      ? {
          range: pick(rand, [
            'bytes=0-1',
            'bytes=-0',
            'bytes=99999999999999999999-',
            'bytes=a-b',
            'bytes=5-1',
          ]),
        }
      : {};
  if (rand() < 0.1)
    headers['x-correlation-id'] = pick(rand, ['ok-id-1', 'bad id with spaces', 'x'.repeat(200)]);
  return {
    kind: 'http',
    method: pick(rand, ['GET', 'GET', 'GET', 'DELETE', 'PUT', 'HEAD', 'OPTIONS']),
    path: pick(rand, paths),
    headers,
  };
}

/** What came back. */
export interface HostileAnswer {
  status: number;
  contentType: string;
  correlationHeader: string | undefined;
  body: string;
}

/** Sends one request to 127.0.0.1:`port`; a stream response is read only to its headers. */
export function sendHostile(port: number, req: HostileRequest, timeoutMs = 15_000): Promise<HostileAnswer> {
  if (req.kind === 'raw') return sendRaw(port, req.bytes, timeoutMs);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        timeout: timeoutMs,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        const head = {
          status: res.statusCode ?? 0,
          contentType,
          correlationHeader: res.headers['x-correlation-id'] as string | undefined,
        };
        if (contentType.startsWith('text/event-stream')) {
          res.destroy();
          resolve({ ...head, body: '' });
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ ...head, body }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${req.method} ${req.path}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

function sendRaw(port: number, bytes: string, timeoutMs: number): Promise<HostileAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('raw request timed out')));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('close', () => {
      const headEnd = data.indexOf('\r\n\r\n');
      const head = headEnd === -1 ? data : data.slice(0, headEnd);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        contentType: /\r\ncontent-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
        correlationHeader: /\r\nx-correlation-id: ([^\r\n]+)/i.exec(head)?.[1],
        body: headEnd === -1 ? '' : data.slice(headEnd + 4),
      });
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET'
        ? resolve({ status: 0, contentType: '', correlationHeader: undefined, body: '' })
        : reject(e),
    );
  });
}

/** Why an answer breaks the rules, or null when it is fine. */
export function answerProblem(answer: HostileAnswer, method = 'GET'): string | null {
  if (answer.status === 0) return 'no HTTP answer';
  if (answer.status >= 500) return `HTTP ${answer.status}`;
  if (answer.status < 400) return null;
  if (!answer.contentType.startsWith('application/problem+json'))
    return `${answer.status} as ${answer.contentType || 'no content type'}`;
  if (!answer.correlationHeader) return `${answer.status} without X-Correlation-ID`;
  if (method === 'HEAD') return null;
  try {
    const body = JSON.parse(answer.body) as { correlationId?: string };
    if (body.correlationId !== answer.correlationHeader)
      return `${answer.status}: body correlationId ≠ header`;
  } catch {
    return `${answer.status}: body is not JSON`;
  }
  return null;
}

/** Totals of a run. */
export interface FuzzTally {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  errorResponses: number;
  problemDetailsWithCorrelation: number;
  /** Up to 20 examples of broken answers. */
  failures: string[];
}

/**
 * Sends `count` seeded hostile requests with `concurrency` in flight and tallies the answers.
 * @param jobIds ids of real jobs (some requests target them).
 */
export async function runFuzz(
  port: number,
  options: { seed: number; count: number; concurrency?: number; jobIds?: readonly string[] },
): Promise<FuzzTally> {
  const rand = seededRandom(options.seed);
  const requests = Array.from({ length: options.count }, () => hostileRequest(rand, options.jobIds ?? []));
  const tally: FuzzTally = {
    requests: 0,
    byStatus: {},
    serverErrors: 0,
    errorResponses: 0,
    problemDetailsWithCorrelation: 0,
    failures: [],
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const req = requests[next++] as HostileRequest;
      const label =
        req.kind === 'raw'
          ? `raw ${JSON.stringify(req.bytes.slice(0, 40))}`
          : `${req.method} ${req.path.slice(0, 80)}`;
      let answer: HostileAnswer;
      try {
        answer = await sendHostile(port, req);
      } catch (error) {
        tally.requests++;
        tally.failures.length < 20 && tally.failures.push(`${label}: ${(error as Error).message}`);
        continue;
      }
      tally.requests++;
      tally.byStatus[answer.status] = (tally.byStatus[answer.status] ?? 0) + 1;
      if (answer.status >= 500) tally.serverErrors++;
      if (answer.status >= 400 || answer.status === 0) {
        tally.errorResponses++;
        const problem = answerProblem(answer, req.kind === 'http' ? req.method : 'GET');
        if (problem === null) tally.problemDetailsWithCorrelation++;
        else if (tally.failures.length < 20)
          tally.failures.push(`${label}: ${problem} ${answer.body.slice(0, 160)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return tally;
}
