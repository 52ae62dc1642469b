import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Logger, silentLogger } from '../domain/logger.js';
import { openRedis, subscribeWithin } from '../state/redis/redis-connection.js';
import { RedisKeys } from '../state/redis/redis-keys.js';
import type { JobRunner } from './job-runner.js';

/** Options of {@link BullmqJobQueue}. */
export interface BullmqJobQueueOptions {
  /** Redis URL (REDIS_URL). */
  redisUrl: string;
  keys?: RedisKeys;
  /** The worker that runs the jobs this process takes; absent in API-only processes. */
  runner?: JobRunner;
  /** Jobs this worker runs at once. @default 1 */
  concurrency?: number;
  /**
   * How long BullMQ's lock on a running job lasts without renewal; a worker that dies (`kill -9`)
   * loses its jobs to another worker after about this long plus `stalledIntervalMs`. @default 4000
   */
  lockMs?: number;
  /** How often workers look for jobs whose lock lapsed. @default 1500 */
  stalledIntervalMs?: number;
  logger?: Logger;
}

interface ControlMessage {
  type: 'cancel';
  jobId: string;
  reason: string;
}

/**
 * The job queue of a Redis deployment: API processes enqueue job ids on a BullMQ queue, worker
 * processes consume them with a per-worker concurrency. The durable job store stays the record of
 * each job (status, lease, checkpoints); BullMQ decides which worker runs it, and gives the job
 * to another worker when the one holding it dies. Cancellations reach the worker holding a job
 * through pub/sub.
 */
export class BullmqJobQueue {
  private readonly keys: RedisKeys;
  private readonly logger: Logger;
  private readonly queue: Queue;
  private readonly connections: Redis[] = [];
  private worker: Worker | undefined;
  private publisher: Redis | undefined;

  constructor(private readonly options: BullmqJobQueueOptions) {
    this.keys = options.keys ?? new RedisKeys();
    this.logger = options.logger ?? silentLogger;
    this.queue = new Queue(this.keys.jobQueue(), { connection: this.connect() });
    this.queue.on('error', (err) => this.logger.warn({ tag: 'QUEUE_ERROR', err }, 'BullMQ queue error'));
  }

  /** Puts a job on the queue; enqueuing the same job id twice keeps one entry. */
  async enqueue(jobId: string): Promise<void> {
    await this.queue.add(
      'render',
      { jobId },
      {
        jobId,
        attempts: 20,
        backoff: { type: 'fixed', delay: 1_000 },
        removeOnComplete: { count: 1_000 },
        removeOnFail: { count: 1_000 },
      },
    );
  }

  /** Tells whichever worker holds `jobId` to stop it (the store already says canceled). */
  async publishCancel(jobId: string, reason: string): Promise<void> {
    const message: ControlMessage = { type: 'cancel', jobId, reason };
    this.publisher ??= this.connect();
    await this.publisher.publish(this.keys.jobControl(), JSON.stringify(message));
  }

  /** Starts consuming (worker processes only). */
  async startWorker(): Promise<void> {
    const runner = this.options.runner;
    if (runner === undefined || this.worker !== undefined) return;
    const lockDuration = this.options.lockMs ?? 4_000;
    this.worker = new Worker<{ jobId: string }>(
      this.keys.jobQueue(),
      async (job) => {
        await runner.runJob(job.data.jobId);
      },
      {
        connection: this.connect(),
        concurrency: Math.max(1, this.options.concurrency ?? 1),
        lockDuration,
        stalledInterval: this.options.stalledIntervalMs ?? 1_500,
        maxStalledCount: 10,
      },
    );
    this.worker.on('error', (err) => this.logger.warn({ tag: 'QUEUE_ERROR', err }, 'BullMQ worker error'));
    const control = this.connect();
    control.on('message', (_channel: string, raw: string) => {
      let message: ControlMessage;
      try {
        message = JSON.parse(raw) as ControlMessage;
      } catch {
        return;
      }
      if (message.type === 'cancel' && runner.activeJobs().includes(message.jobId)) {
        void runner.cancel(message.jobId, message.reason).catch(() => undefined);
      }
    });
    await subscribeWithin(control, this.keys.jobControl());
  }

  /** Jobs waiting, running, and finished (for metrics and benchmarks). */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  /** Stops consuming (running jobs are aborted by the runner's own stop) and closes connections. */
  async close(): Promise<void> {
    await this.worker?.close(true).catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    for (const connection of this.connections) connection.disconnect();
  }

  private connect(): Redis {
    // BullMQ needs connections that retry forever and queue commands while reconnecting.
    const connection = openRedis(this.options.redisUrl, {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    });
    connection.on('error', () => {});
    this.connections.push(connection);
    return connection;
  }
}
