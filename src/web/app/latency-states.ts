import { DEFAULT_TIMEOUT_PROFILES } from '../../config/timeout-profile-defaults.js';
import type { StallOption } from '../../domain/fallback.js';
import type { LatencyCategory } from '../../domain/latency.js';

/** How the status drawer shows a latency category: the timeout-profile file's label and colour. */
export interface LatencyStateView {
  key: keyof typeof DEFAULT_TIMEOUT_PROFILES.uiStates;
  /** Short name (Normal, Extended, Deep wait, Stall suspected, Error). */
  name: string;
  label: string;
  color: string;
  /** Text colour readable on `color` (WCAG AA). */
  ink: string;
}

const KEYS: Readonly<Record<LatencyCategory, { key: LatencyStateView['key']; name: string }>> = {
  Normal: { key: 'normal', name: 'Normal' },
  Extended: { key: 'extended', name: 'Extended' },
  DeepWait: { key: 'deepWait', name: 'Deep wait' },
  StallSuspected: { key: 'stallSuspected', name: 'Stall suspected' },
  Error: { key: 'error', name: 'Error' },
};

/** Relative luminance (WCAG 2) of `#rrggbb`. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  const channel = (v: number): number => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** Contrast ratio (WCAG 2) of two `#rrggbb` colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The drawer's view of a latency category. */
export function latencyState(category: LatencyCategory): LatencyStateView {
  const { key, name } = KEYS[category];
  const ui = DEFAULT_TIMEOUT_PROFILES.uiStates[key];
  const ink = contrast(ui.color, '#ffffff') >= 4.5 ? '#ffffff' : '#111111';
  return { key, name, label: ui.label, color: ui.color, ink };
}

/** The stall dialog's label of an option ("Continue Waiting (30s)", …) and whether it needs confirming. */
export function stallOptionView(option: StallOption): { label: string; confirm: boolean } {
  const o = DEFAULT_TIMEOUT_PROFILES.stallDialogOptions[option];
  return { label: o?.label ?? option, confirm: o?.requiresConfirmation === true };
}
