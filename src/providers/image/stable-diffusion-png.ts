import { classifyError } from '../../resilience/classify-error.js';
import { OutputValidationError } from '../../resilience/output-errors.js';

/** A decoded PNG image returned by an image API. */
export interface DecodedPng {
  bytes: Buffer;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Decodes a base64 PNG (Stable Diffusion `images[0]`, OpenAI `b64_json`), accepting an optional
 * `data:image/png;base64,` prefix, and reads its size from the IHDR chunk. Anything that is not a
 * PNG becomes a `quality_failure` of `provider` (the API answered, but with an unusable image).
 *
 * @example const png = decodeBase64Png('Stable Diffusion', body.images[0]);
 */
export function decodeBase64Png(provider: string, base64: unknown): DecodedPng {
  const text = typeof base64 === 'string' ? base64.replace(/^data:image\/png;base64,/, '') : '';
  const bytes = Buffer.from(text, 'base64');
  if (
    bytes.length < 33 ||
    !bytes.subarray(0, 8).equals(PNG_SIGNATURE) ||
    bytes.toString('ascii', 12, 16) !== 'IHDR'
  ) {
    throw classifyError(
      new OutputValidationError(`expected a base64 PNG image, got ${bytes.length} bytes that are not a PNG`),
      { provider },
    );
  }
  return { bytes, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
