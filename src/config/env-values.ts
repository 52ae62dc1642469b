import { ReelayError } from '../domain/errors.js';

/** Splits a comma-separated variable into trimmed, non-empty items. */
export function listEnv(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/** A non-negative integer variable; absent or empty → undefined; anything else is a config error. */
export function intEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `Environment variable ${name}=${raw} must be a non-negative integer`,
    );
  }
  return n;
}

/** Like {@link intEnv}, but 0 is an error too. */
export function positiveIntEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const n = intEnv(env, name);
  if (n === 0)
    throw new ReelayError('REELAY_ERR_CONFIG', `Environment variable ${name} must be a positive integer`);
  return n;
}

/** A variable that must be one of `allowed`; absent or empty → undefined. */
export function enumEnv<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `Environment variable ${name}=${raw} must be one of ${allowed.join(', ')}`,
    );
  }
  return raw as T;
}
