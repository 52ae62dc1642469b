import type { ErrorCategory } from '../../domain/error-category.js';
import { ReelayError } from '../../domain/errors.js';
import { shortProviderText } from '../../resilience/parse-error-body.js';
import { ruleForProviderCode } from '../../resilience/provider-error-codes.js';
import type { AsyncJobFailure } from './async-job-types.js';

interface FailureRule {
  test: RegExp;
  category: ErrorCategory;
  retryable: boolean;
  advice: string;
}

/**
 * Remote job failure codes and messages, most specific first. Runway documents `SAFETY.*` and
 * `INPUT_PREPROCESSING.SAFETY.*` (content moderation: do not retry), `INTERNAL.BAD_OUTPUT.*` (may be
 * retried, unlikely to succeed), `INPUT_PREPROCESSING.INTERNAL` (moderation service trouble);
 * HeyGen sends numeric codes with a message (e.g. 40119 "Video is too long … upgrade your plan").
 */
const FAILURE_RULES: readonly FailureRule[] = [
  {
    test: /safety|moderat|content[ _]policy|nsfw|inappropriate/i,
    category: 'quality_failure',
    retryable: false,
    advice:
      'the provider refused the content under its policy: rephrase the prompt or choose another provider',
  },
  {
    test: /quota|credit|upgrade your plan|insufficient|billing/i,
    category: 'quota_exceeded',
    retryable: false,
    advice:
      'the account plan or credit does not cover this job: add credit, upgrade, or choose another provider',
  },
  {
    test: /internal|timeout|unavailable|server/i,
    category: 'api_failure',
    retryable: true,
    advice: 'retry later or choose another provider',
  },
  {
    test: /asset|invalid|input|unsupported|too (long|large|short)|not found/i,
    category: 'processing_error',
    retryable: false,
    advice: 'check the inputs (image, text, avatar and voice ids) sent to the provider',
  },
];

const DEFAULT_RULE: Omit<FailureRule, 'test'> = {
  category: 'api_failure',
  retryable: true,
  advice: 'retry later or choose another provider',
};

/**
 * Maps a remote job failure (status `failed` with the provider's failure code and message) to a
 * {@link ReelayError}: content moderation → `quality_failure` (not retryable); plan or credit →
 * `quota_exceeded`; internal → `api_failure` (retryable); bad inputs → `processing_error`; anything
 * else → `api_failure` (retryable). The code is tested before the message.
 *
 * @example classifyJobFailure('Runway', { code: 'SAFETY.INPUT.TEXT' }, 'task_1').category // 'quality_failure'
 */
export function classifyJobFailure(provider: string, failure: AsyncJobFailure, jobId: string): ReelayError {
  const code = failure.code?.trim() || undefined;
  const said = failure.message === undefined ? undefined : shortProviderText(failure.message);
  const known = ruleForProviderCode(code);
  const rule =
    known ??
    FAILURE_RULES.find((r) => code !== undefined && r.test.test(code)) ??
    FAILURE_RULES.find((r) => said !== undefined && r.test.test(said)) ??
    DEFAULT_RULE;
  const codeText = code === undefined ? '' : ` (${code})`;
  const saidText = said === undefined || said === '' ? '' : ` Provider said: "${said}"`;
  return new ReelayError(
    'REELAY_ERR_PROVIDER',
    `${provider} job ${jobId} failed${codeText}: ${rule.advice}.${saidText}`,
    {
      category: rule.category,
      retryable: rule.retryable,
      provider,
      details: { jobId, providerCode: code, providerMessage: said },
    },
  );
}
