import { ReelayError } from '../domain/errors.js';
import type { CostModel, Usage } from '../domain/provider.js';

/**
 * Estimated cost in US dollars of `usage` under `costModel`:
 * - `free`: 0;
 * - `token_1k`: inputTokens/1000 × usdPerUnit + outputTokens/1000 × (outputUsdPerUnit ?? usdPerUnit);
 * - `character`: characters × usdPerUnit; `image`: images × usdPerUnit;
 * - `video_second`, `audio_second`: seconds × usdPerUnit;
 * - `request`: (requests ?? 1) × usdPerUnit — a call is one request unless usage says otherwise.
 * Missing usage fields count as 0.
 *
 * @throws ReelayError `REELAY_ERR_CONFIG` for a negative or non-finite price.
 * @example estimateCost({ unit: 'token_1k', usdPerUnit: 0.5, outputUsdPerUnit: 1.5 }, { inputTokens: 2000, outputTokens: 1000 }) // 2.5
 */
export function estimateCost(costModel: CostModel, usage: Usage): number {
  const prices = [costModel.usdPerUnit, costModel.outputUsdPerUnit ?? 0];
  if (prices.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `Cost model ${JSON.stringify(costModel)} has a negative or invalid price. Prices are US dollars ≥ 0.`,
    );
  }
  const price = costModel.usdPerUnit;
  switch (costModel.unit) {
    case 'free':
      return 0;
    case 'token_1k':
      return (
        ((usage.inputTokens ?? 0) / 1000) * price +
        ((usage.outputTokens ?? 0) / 1000) * (costModel.outputUsdPerUnit ?? price)
      );
    case 'character':
      return (usage.characters ?? 0) * price;
    case 'image':
      return (usage.images ?? 0) * price;
    case 'video_second':
    case 'audio_second':
      return (usage.seconds ?? 0) * price;
    case 'request':
      return (usage.requests ?? 1) * price;
  }
}

/** Whether a cost model never charges (unit `free` or a zero price). */
export function isFree(costModel: CostModel): boolean {
  return costModel.unit === 'free' || (costModel.usdPerUnit === 0 && (costModel.outputUsdPerUnit ?? 0) === 0);
}

/**
 * The usage assumed for a call whose request gave no estimate: one unit of whatever the provider
 * charges for. It makes every priced call cost more than zero, so a budget that is exactly used up
 * refuses the next call instead of letting a "free" estimate through.
 */
export const MINIMAL_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 1,
  characters: 1,
  images: 1,
  seconds: 1,
  requests: 1,
});

/** The estimated cost of a call: its request's usage estimate, or {@link MINIMAL_USAGE}. */
export function estimateCallCost(costModel: CostModel, estimatedUsage: Usage | undefined): number {
  return estimateCost(costModel, estimatedUsage ?? MINIMAL_USAGE);
}
