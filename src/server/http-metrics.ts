import { Counter, Histogram, Registry } from 'prom-client';

/** Labels of every HTTP metric. */
export interface HttpMetricLabels {
  method: string;
  /** Route pattern (`/api/video/:id/status`), or `unmatched` for 404s, never the raw URL. */
  route: string;
  status: number;
}

/**
 * The server's own HTTP metrics in a registry of its own (never prom-client's global one, so two
 * servers in one process do not collide): `reelay_http_requests_total` and
 * `reelay_http_request_duration_seconds`, labelled by method, route and status.
 */
export class HttpMetrics {
  /** The registry holding this server's HTTP metrics. */
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    this.requests = new Counter({
      name: 'reelay_http_requests_total',
      help: 'HTTP requests served, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'reelay_http_request_duration_seconds',
      help: 'HTTP request duration in seconds (for SSE: the whole stream), by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300],
      registers: [this.registry],
    });
  }

  /** Records one finished request. */
  observe(labels: HttpMetricLabels, durationMs: number): void {
    const l = this.labelsOf(labels);
    this.requests.inc(l);
    this.duration.observe(l, Math.max(0, durationMs) / 1000);
  }

  // One frozen label object per (method, route, status): no object nor status string per request.
  private readonly labelCache = new Map<string, Readonly<Record<'method' | 'route' | 'status', string>>>();

  private labelsOf(labels: HttpMetricLabels): Readonly<Record<'method' | 'route' | 'status', string>> {
    const key = `${labels.status} ${labels.method} ${labels.route}`;
    let l = this.labelCache.get(key);
    if (!l) {
      l = Object.freeze({ method: labels.method, route: labels.route, status: String(labels.status) });
      // Bounded by the routes × methods × statuses the server has (routes are patterns, never raw URLs).
      if (this.labelCache.size < 10_000) this.labelCache.set(key, l);
    }
    return l;
  }

  /** Prometheus text exposition of these metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The exposition's Content-Type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
