import { readFileSync } from 'node:fs';

/** The package's name and version, as the API document, metrics and `--version` report them. */
export interface PackageInfo {
  name: string;
  version: string;
}

let cached: PackageInfo | undefined;

/** Reads package.json two levels above this module (the same from `src/config` and `dist/config`). */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name?: string;
      version?: string;
    };
    cached = { name: pkg.name ?? 'reelay', version: pkg.version ?? 'unknown' };
  } catch {
    cached = { name: 'reelay', version: 'unknown' };
  }
  return cached;
}
