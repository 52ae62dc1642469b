import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type {
  CostModel,
  HealthReport,
  ImageProvider,
  ImageRequest,
  ImageResult,
  ProviderCallContext,
  ProviderCapabilities,
} from '../../domain/provider.js';
import { produceAtomically } from '../media/atomic-file.js';
import { parseNameList } from '../media/ffmpeg-info.js';
import { runFfmpeg } from '../media/ffmpeg-process.js';
import { mediaToolPaths } from '../media/media-tools.js';
import { runProcess } from '../media/run-process.js';
import { type CardLayout, layoutCard } from './title-card-layout.js';

/** Options of {@link TitleCardProvider}. */
export interface TitleCardOptions {
  /** FFmpeg executable. @default 'ffmpeg' */
  ffmpegPath?: string;
  /** Bold font file (titles). @default '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' */
  boldFont?: string;
  /** Regular font file (captions). @default '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' */
  regularFont?: string;
  /** Directory for the per-card text files. @default os.tmpdir() */
  tempDir?: string;
  /** Milliseconds the health check may take. @default 5000 */
  healthTimeoutMs?: number;
  /** Clock for latency and timeouts. @default systemClock */
  clock?: Clock;
}

const DEJAVU = '/usr/share/fonts/truetype/dejavu';
const SAFE_PATH = /^[\w./-]+$/;

/**
 * Offline scene images: a title card per scene, drawn by FFmpeg (a `gradients` background and
 * `drawtext` with DejaVu fonts; text goes through `textfile=` so nothing needs escaping). Large
 * bold wrapped title, an accent rule and a caption under it, a small `SCENE n / N` marker, and a
 * faint scene number; sized for any aspect ratio; a different palette for consecutive scenes;
 * same input, same pixels. Pushes percent heartbeats 0 → 100; aborting kills FFmpeg.
 *
 * @example
 * const cards = new TitleCardProvider();
 * await cards.renderImage({ prompt: '', title: 'Tides', caption: 'The moon pulls the sea',
 *   width: 1920, height: 1080, outPath: '/w/scene-1.png', sceneIndex: 0, sceneCount: 5 }, ctx);
 */
export class TitleCardProvider implements ImageProvider {
  readonly id = 'title-card';
  readonly displayName = 'Title cards';
  readonly kind = 'image' as const;
  readonly profileType = 'fallback_provider' as const;
  readonly capabilities: ProviderCapabilities = {
    heartbeat: 'percentage',
    offline: true,
    features: ['portrait', 'square'],
  };
  readonly priority = 5;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  private readonly ffmpegPath: string;
  private readonly fonts: { bold: string; regular: string };
  private readonly clock: Clock;

  constructor(private readonly options: TitleCardOptions = {}) {
    this.ffmpegPath = options.ffmpegPath ?? mediaToolPaths().ffmpeg;
    this.fonts = {
      bold: options.boldFont ?? `${DEJAVU}/DejaVuSans-Bold.ttf`,
      regular: options.regularFont ?? `${DEJAVU}/DejaVuSans.ttf`,
    };
    this.clock = options.clock ?? systemClock;
  }

  /** Checks that FFmpeg runs and has the `drawtext` and `gradients` filters, and the fonts exist. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    const timeoutMs = this.options.healthTimeoutMs ?? 5000;
    const timeout = new AbortController();
    const timer = this.clock.setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
    const report = (healthy: boolean, message: string): HealthReport => ({
      healthy,
      latencyMs: this.clock.now() - started,
      message,
    });
    try {
      const out = await runProcess(this.ffmpegPath, ['-hide_banner', '-filters'], {
        signal: AbortSignal.any([signal, timeout.signal]),
        collectStdout: true,
        clock: this.clock,
      });
      if (out.exitCode !== 0) return report(false, `ffmpeg -filters exited with code ${out.exitCode}`);
      const filters = parseNameList(out.stdout);
      const missing = ['drawtext', 'gradients'].filter((f) => !filters.has(f));
      if (missing.length > 0) {
        return report(
          false,
          `FFmpeg lacks the ${missing.join(' and ')} filter(s) (drawtext needs libfreetype): install a full FFmpeg build (apt-get install ffmpeg)`,
        );
      }
      for (const font of [this.fonts.bold, this.fonts.regular]) {
        try {
          await access(font);
        } catch {
          return report(
            false,
            `font ${font} is missing: apt-get install fonts-dejavu-core, or set the font paths`,
          );
        }
      }
      return report(true, 'FFmpeg with drawtext and DejaVu fonts');
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.signal.aborted) return report(false, `FFmpeg did not answer within ${timeoutMs} ms`);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return report(
          false,
          `FFmpeg is not installed (no "${this.ffmpegPath}"): apt-get install ffmpeg, or set ffmpegPath (REELAY_FFMPEG_PATH) in the config`,
        );
      return report(
        false,
        `FFmpeg could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** Renders the card for one scene as a PNG at `request.outPath` (atomically). */
  async renderImage(request: ImageRequest, ctx: ProviderCallContext): Promise<ImageResult> {
    const { signal, heartbeat } = ctx;
    signal.throwIfAborted();
    const { width, height } = request;
    if (
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      width < 16 ||
      height < 16 ||
      width > 8192 ||
      height > 8192
    ) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Title cards need a whole-pixel size between 16 and 8192; got ${width}×${height}.`,
        {
          provider: this.id,
          stage: 'visuals',
        },
      );
    }
    for (const font of [this.fonts.bold, this.fonts.regular]) this.assertSafePath(font);
    heartbeat({ percent: 0, message: `laying out card ${request.sceneIndex + 1} of ${request.sceneCount}` });
    const layout = layoutCard(request);
    const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'reelay-card-'));
    try {
      this.assertSafePath(dir);
      const filters = await this.filterChain(layout, dir);
      heartbeat({ percent: 20, message: 'drawing the card' });
      const source = [
        `gradients=s=${width}x${height}`,
        `c0=0x${layout.palette.from}`,
        `c1=0x${layout.palette.to}`,
        `x0=${layout.gradient.x0}`,
        `y0=${layout.gradient.y0}`,
        `x1=${layout.gradient.x1}`,
        `y1=${layout.gradient.y1}`,
        'nb_colors=2',
        'seed=1',
        'r=1',
        'd=1',
      ].join(':');
      await produceAtomically(request.outPath, (tmp) =>
        runFfmpeg(
          [
            '-f',
            'lavfi',
            '-i',
            source,
            '-vf',
            filters,
            '-frames:v',
            '1',
            '-fflags',
            '+bitexact',
            '-flags:v',
            '+bitexact',
            '-update',
            '1',
            '-f',
            'image2',
            '-c:v',
            'png',
            tmp,
          ],
          { signal, ffmpegPath: this.ffmpegPath, clock: this.clock },
        ),
      );
      heartbeat({ percent: 100, message: `card ${request.sceneIndex + 1} done` });
      return { path: request.outPath, width, height, usage: { images: 1 } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async filterChain(layout: CardLayout, dir: string): Promise<string> {
    const parts: string[] = [];
    for (const box of layout.boxes) {
      parts.push(
        `drawbox=x=${box.x}:y=${box.y}:w=${box.w}:h=${box.h}:color=0x${box.color}@${box.alpha}:t=fill`,
      );
    }
    for (const [i, text] of layout.texts.entries()) {
      const file = join(dir, `text-${i}.txt`);
      await writeFile(file, text.text, 'utf8');
      parts.push(
        [
          `drawtext=fontfile=${text.font === 'bold' ? this.fonts.bold : this.fonts.regular}`,
          `textfile=${file}`,
          'expansion=none',
          `fontsize=${text.size}`,
          `fontcolor=0x${text.color}@${text.alpha}`,
          `x=${text.x}`,
          `y=${text.baseline}-max_glyph_a`,
        ].join(':'),
      );
    }
    return parts.join(',');
  }

  private assertSafePath(path: string): void {
    if (!SAFE_PATH.test(path)) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `Title cards cannot use the path "${path}" in an FFmpeg filter; use a path of letters, digits, '.', '_', '-' and '/' only.`,
        {
          provider: this.id,
          stage: 'visuals',
        },
      );
    }
  }
}
