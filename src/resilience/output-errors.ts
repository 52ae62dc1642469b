/**
 * Thrown by an adapter when a provider answered but the answer could not be read (not the
 * documented shape, truncated JSON, missing fields). Classified as `processing_error`.
 *
 * @example throw new MalformedResponseError('OpenAI chat response has no choices');
 */
export class MalformedResponseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedResponseError';
  }
}

/**
 * Thrown when a provider's output was read but judged unfit (a script that fails its schema,
 * an empty image, silent audio where speech was expected). Classified as `quality_failure`.
 *
 * @example throw new OutputValidationError('script has 0 scenes; expected at least 1');
 */
export class OutputValidationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutputValidationError';
  }
}
