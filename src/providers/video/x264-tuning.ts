/**
 * How libx264 analyses a segment whose picture pans (see docs/media.md, "Motion cost").
 *
 * The pan moves the picture by exactly one whole pixel per frame (`panPlan`), so a full-pel
 * motion search finds every motion vector exactly: quarter-pel refinement (`subme`) and the
 * hexagon search only add CPU. Moving segments therefore use the diamond search without sub-pixel
 * refinement, at a slightly lower CRF so their SSIM matches what the default analysis gives.
 *
 * Every segment is encoded `stitchable`, so the SPS/PPS do not depend on the CRF or the analysis
 * (x264 otherwise writes the CRF into `pic_init_qp`) and segments encoded differently still join
 * by stream copy.
 */
export interface MotionEncoding {
  /** Full-pel diamond search (`me=dia:subme=0`) for moving segments. @default true */
  fullPel: boolean;
  /** Added to the CRF of moving segments (negative = better quality) to keep their SSIM. @default -0.5 */
  crfOffset: number;
}

/** The default {@link MotionEncoding}: full-pel search, CRF 0.5 lower on moving segments. */
export const DEFAULT_MOTION_ENCODING: MotionEncoding = { fullPel: true, crfOffset: -0.5 };

/** x264 parameters that keep headers identical whatever the CRF and analysis (`-x264-params`). */
export const STITCHABLE_PARAMS = 'stitchable=1';

/** x264 analysis of a moving segment when {@link MotionEncoding.fullPel} is on. */
export const FULL_PEL_PARAMS = 'me=dia:subme=0';

/** The `-x264-params` value of a segment: stitchable always, full-pel search when it moves. */
export function x264Params(moving: boolean, encoding: MotionEncoding | undefined): string {
  const params = [STITCHABLE_PARAMS];
  if (moving && encoding?.fullPel) params.push(FULL_PEL_PARAMS);
  return params.join(':');
}

/** The CRF of a segment: `crf`, plus the motion offset when it moves with full-pel search (0–51, two decimals). */
export function segmentCrf(crf: number, moving: boolean, encoding: MotionEncoding | undefined): number {
  const offset = moving && encoding?.fullPel ? encoding.crfOffset : 0;
  return Math.round(Math.min(51, Math.max(0, crf + offset)) * 100) / 100;
}
