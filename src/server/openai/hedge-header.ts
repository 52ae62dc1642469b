import type { IncomingHttpHeaders } from 'node:http';
import type { HedgeSettingsInput } from '../../config/hedging-schema.js';
import { ReelayError } from '../../domain/errors.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s)$/;

function invalid(message: string): ReelayError {
  return new ReelayError('REELAY_ERR_VALIDATION', `Header x-reelay-hedge is invalid: ${message}`, {
    details: { fields: [{ field: 'x-reelay-hedge', message }] },
  });
}

/**
 * Reads `x-reelay-hedge` — the request's own hedge settings (docs/hedging.md#request):
 * `on` (measured delay), `off`, or `;`/`,`-separated `after=<n>ms|<n>s` and `to=same|alternative`,
 * e.g. `after=800ms` or `after=1.5s, to=alternative`. Absent → undefined (the group decides).
 * @throws ReelayError `REELAY_ERR_VALIDATION` naming the header.
 */
export function readHedgeHeader(headers: IncomingHttpHeaders): HedgeSettingsInput | undefined {
  const v = headers['x-reelay-hedge'];
  const raw = (Array.isArray(v) ? v[0] : v)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'off') return { enabled: false };
  if (raw === 'on') return { enabled: true };
  const settings: { enabled: boolean; afterMs?: number; hedgeTo?: 'same' | 'alternative' } = {
    enabled: true,
  };
  for (const part of raw.split(/[;,]/)) {
    const [key, value, extra] = part.split('=').map((s) => s.trim());
    if (extra !== undefined || value === undefined || value === '')
      throw invalid(`"${part.trim()}" is not key=value`);
    if (key === 'after') {
      const m = DURATION.exec(value);
      const ms = m ? Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1)) : Number.NaN;
      if (!Number.isFinite(ms) || ms > 600_000)
        throw invalid('after= takes a duration such as 800ms or 1.5s (≤ 600 s)');
      settings.afterMs = ms;
    } else if (key === 'to') {
      if (value !== 'same' && value !== 'alternative') throw invalid('to= is same or alternative');
      settings.hedgeTo = value;
    } else throw invalid(`unknown key "${key}" (after, to)`);
  }
  return settings;
}
