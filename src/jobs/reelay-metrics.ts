import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { packageInfo } from '../config/package-info.js';
import type { StoredEvent } from '../domain/events.js';
import type { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';

/** Every breaker state, each a value of the `state` label of `reelay_breaker_state`. */
const BREAKER_STATES = ['closed', 'half_open', 'open', 'isolated'] as const;

/**
 * Prometheus metrics of jobs and the router, fed by the job event stream: jobs by outcome, stage
 * durations, provider calls by outcome and category, stalls, fallback decisions by reason, and
 * breaker states (read at scrape time, one series per state with value 1 for the current one, the
 * Prometheus convention for an enum), `reelay_build_info` and the default process metrics (CPU,
 * memory, event loop lag, handles). One registry per instance, never the global one.
 */
export class ReelayMetrics {
  readonly registry = new Registry();
  private readonly jobs = new Counter({
    name: 'reelay_jobs_total',
    help: 'Jobs by lifecycle event (queued, started, done, failed, canceled)',
    labelNames: ['event'],
    registers: [this.registry],
  });
  private readonly stageSeconds = new Histogram({
    name: 'reelay_stage_duration_seconds',
    help: 'Pipeline stage durations',
    labelNames: ['stage'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly calls = new Counter({
    name: 'reelay_provider_calls_total',
    help: 'Provider calls by outcome (ok, error) and error category',
    labelNames: ['provider', 'outcome', 'category'],
    registers: [this.registry],
  });
  private readonly stalls = new Counter({
    name: 'reelay_stalls_total',
    help: 'Stall episodes suspected, by provider',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  private readonly decisions = new Counter({
    name: 'reelay_fallback_decisions_total',
    help: 'Fallback decisions by reason code',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor(breakers?: CircuitBreakerRegistry) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'reelay_build_info',
      help: 'Always 1; the labels say which Reelay and Node.js versions run',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: packageInfo().version, node: process.version }, 1);
    if (breakers) {
      new Gauge({
        name: 'reelay_breaker_state',
        help: 'Circuit breaker state per provider: 1 for the current state, 0 for the others',
        labelNames: ['provider', 'state'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [provider, snapshot] of Object.entries(breakers.snapshot())) {
            for (const state of BREAKER_STATES)
              this.set({ provider, state }, snapshot.state === state ? 1 : 0);
          }
        },
      });
    }
  }

  /** Counts one stored event. */
  observe(event: StoredEvent): void {
    switch (event.type) {
      case 'job-queued':
        this.jobs.inc({ event: 'queued' });
        break;
      case 'job-started':
        this.jobs.inc({ event: 'started' });
        break;
      case 'done':
        this.jobs.inc({ event: 'done' });
        break;
      case 'error':
        this.jobs.inc({ event: 'failed' });
        break;
      case 'canceled':
        this.jobs.inc({ event: 'canceled' });
        break;
      case 'stage-complete':
        this.stageSeconds.observe({ stage: event.stage }, event.durationMs / 1000);
        break;
      case 'request-complete':
        this.calls.inc({ provider: event.provider, outcome: 'ok', category: 'none' });
        break;
      case 'hard-error':
        this.calls.inc({ provider: event.provider, outcome: 'error', category: event.category });
        break;
      case 'stall-suspected':
        this.stalls.inc({ provider: event.provider });
        break;
      case 'fallback-decision':
        this.decisions.inc({ reason: event.decision.reason });
        break;
      default:
        break;
    }
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
