import type { StoredEvent } from '../domain/events.js';

function detail(event: StoredEvent): string {
  const e = event as unknown as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of [
    'stage',
    'provider',
    'percentage',
    'message',
    'reason',
    'category',
    'option',
    'from',
    'to',
  ]) {
    const v = e[key];
    if (typeof v === 'string' || typeof v === 'number') parts.push(`${key}=${v}`);
  }
  const error = e.error as { message?: unknown } | undefined;
  if (error && typeof error.message === 'string') parts.push(`error="${error.message}"`);
  return parts.join(' ');
}

/**
 * One line of `reelay logs`: time, event id, type and the facts that matter for it.
 *
 * @example
 * eventLine(event); // '23:41:02.120  #7 stage-complete  stage=narration'
 */
export function eventLine(event: StoredEvent): string {
  const time = event.timestamp.slice(11, 23);
  const rest = detail(event);
  return `${time}  #${event.id} ${event.type}${rest ? `  ${rest}` : ''}`;
}
