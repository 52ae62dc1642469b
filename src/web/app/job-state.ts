import type { StoredEvent } from '../../domain/events.js';
import type { StallOption } from '../../domain/fallback.js';
import { STAGE_WEIGHTS } from '../../domain/stages.js';
import { formatMs } from './format.js';
import type { JobViewState, StageView, TimelineEntry } from './job-view-state.js';

const OPTION_TEXT: Readonly<Record<StallOption, string>> = {
  continue_30s: 'keep waiting 30 s',
  continue_5m: 'keep waiting 5 min',
  try_alternative: 'try an alternative',
  cancel_job: 'cancel the job',
};

function stageOf(state: JobViewState, name: string): StageView | undefined {
  return state.stages.find((s) => s.name === name);
}

/** Spreads the overall percentage over the stages by their weights. */
function spreadPercent(state: JobViewState, current: string): void {
  let before = 0;
  for (const stage of state.stages) {
    const weight = STAGE_WEIGHTS[stage.name];
    const within = ((state.percent - before) / weight) * 100;
    if (stage.state !== 'done') stage.percent = Math.max(stage.percent, Math.min(100, Math.max(0, within)));
    if (stage.name === current && stage.state === 'waiting') stage.state = 'running';
    before += weight;
  }
}

function note(
  state: JobViewState,
  event: StoredEvent,
  tone: TimelineEntry['tone'],
  title: string,
  detail = '',
  code: string | null = null,
): void {
  state.timeline.push({ id: event.id, timestamp: event.timestamp, tone, title, code, detail });
}

/**
 * Folds one event into the page state (mutating and returning it). Events at or below
 * `lastEventId` are ignored, so a replay after a reconnect or a reload is harmless.
 */
export function applyJobEvent(state: JobViewState, event: StoredEvent): JobViewState {
  if (event.id <= state.lastEventId) return state;
  state.lastEventId = event.id;
  switch (event.type) {
    case 'job-queued':
      state.brief = event.brief;
      note(state, event, 'info', 'Job queued');
      break;
    case 'job-started':
      state.status = 'processing';
      note(
        state,
        event,
        'info',
        event.attempt > 1 ? `Job resumed (attempt ${event.attempt})` : 'Job started',
      );
      break;
    case 'progress':
      state.status = 'processing';
      state.percent = Math.max(state.percent, event.percentage);
      state.message = event.message;
      state.etaSeconds = event.etaSeconds ?? null;
      spreadPercent(state, event.stage);
      break;
    case 'stage-started': {
      const stage = stageOf(state, event.stage);
      if (stage) {
        stage.state = 'running';
        if (event.provider) stage.provider = event.provider;
      }
      break;
    }
    case 'stage-complete': {
      const stage = stageOf(state, event.stage);
      if (stage) {
        stage.state = 'done';
        stage.percent = 100;
        stage.durationMs = event.durationMs;
      }
      break;
    }
    case 'request-start': {
      const stage = stageOf(state, event.stage);
      if (stage) stage.provider = event.provider;
      state.call = {
        provider: event.provider,
        providerType: event.providerType,
        stage: event.stage,
        category: 'Normal',
        attempt: event.attempt,
        startedAt: event.timestamp,
        active: true,
      };
      break;
    }
    case 'latency-category-changed':
      if (state.call?.provider === event.provider) state.call.category = event.to;
      break;
    case 'stall-suspected':
      if (state.call?.provider === event.provider) state.call.category = 'StallSuspected';
      note(
        state,
        event,
        'warn',
        `Stall suspected: ${event.provider} (${event.stage})`,
        `No progress for ${formatMs(event.sinceProgressMs)} (threshold ${formatMs(event.thresholdMs)}).`,
        'STALL_SUSPECTED',
      );
      break;
    case 'stall-cleared':
      if (state.call?.provider === event.provider) state.call.category = 'Extended';
      note(state, event, 'ok', `${event.provider} is making progress again`, '', 'STALL_CLEARED');
      break;
    case 'request-complete':
      if (state.call?.provider === event.provider) {
        state.call.active = false;
        state.call.category = 'Normal';
      }
      break;
    case 'hard-error':
      if (state.call?.provider === event.provider) state.call.category = 'Error';
      note(state, event, 'error', `${event.provider} failed (${event.stage})`, event.message, event.category);
      break;
    case 'retry-scheduled':
      note(
        state,
        event,
        'info',
        `Retry ${event.attempt + 1} of ${event.provider} in ${formatMs(event.delayMs)}`,
        '',
        event.category,
      );
      break;
    case 'decision-required':
      state.pending = {
        decisionId: event.decisionId,
        provider: event.provider,
        stage: event.stage,
        trigger: event.trigger,
        options: event.options,
        alternatives: event.alternatives,
        ...(event.error ? { error: event.error } : {}),
      };
      state.alternatives = event.alternatives;
      if (event.trigger === 'error' && state.call?.provider === event.provider) state.call.category = 'Error';
      note(
        state,
        event,
        'warn',
        `Decision needed: ${event.trigger === 'stall' ? 'stall' : 'error'} on ${event.provider} (${event.stage})`,
        event.error?.message ?? '',
        event.trigger === 'stall' ? 'DECISION_AFTER_STALL' : 'DECISION_AFTER_ERROR',
      );
      break;
    case 'decision-answer-submitted':
      note(state, event, 'info', `Answer sent: ${OPTION_TEXT[event.option]}`);
      break;
    case 'decision-answered':
      if (state.pending?.decisionId === event.decisionId) state.pending = null;
      note(
        state,
        event,
        'ok',
        `Decision answered: ${OPTION_TEXT[event.option]}${event.provider ? ` → ${event.provider}` : ''}`,
        '',
        event.option.toUpperCase(),
      );
      break;
    case 'fallback-decision': {
      const d = event.decision;
      state.decisions.push(d);
      note(
        state,
        event,
        'warn',
        `Switched ${d.fromProvider} → ${d.toProvider}${d.userConfirmed ? ' (confirmed by you)' : ''}`,
        d.context,
        d.reason,
      );
      break;
    }
    case 'circuit-state-changed':
      note(
        state,
        event,
        event.to === 'closed' ? 'ok' : 'warn',
        `Breaker of ${event.provider}: ${event.to}`,
        event.reason,
      );
      break;
    case 'done':
      state.status = 'completed';
      state.percent = 100;
      state.etaSeconds = 0;
      state.message = 'Your video is ready.';
      for (const stage of state.stages) {
        stage.state = 'done';
        stage.percent = 100;
      }
      state.pending = null;
      if (state.call) state.call.active = false;
      state.video = { url: event.videoUrl, durationSeconds: event.durationSeconds };
      note(state, event, 'ok', 'Video ready', `${Math.round(event.durationSeconds)} s long.`);
      break;
    case 'error': {
      state.status = 'failed';
      state.error = event.error;
      state.pending = null;
      state.message = event.error.message;
      const stage = event.error.stage ? stageOf(state, event.error.stage) : undefined;
      if (stage) stage.state = 'failed';
      if (state.call) state.call.active = false;
      note(state, event, 'error', 'Job failed', event.error.message, event.error.code);
      break;
    }
    case 'canceled':
      state.status = 'canceled';
      state.canceledReason = event.reason;
      state.pending = null;
      state.message = `Canceled: ${event.reason}`;
      if (state.call) state.call.active = false;
      note(state, event, 'info', 'Job canceled', event.reason, 'CANCELED');
      break;
    default:
      break;
  }
  return state;
}
