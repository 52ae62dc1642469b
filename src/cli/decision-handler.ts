import { errorMessage } from '../domain/errors.js';
import { type StoredEvent, TERMINAL_EVENT_TYPES } from '../domain/events.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import type { CliOutput } from './cli-io.js';
import {
  type DecisionChoice,
  type DecisionEvent,
  decideCommand,
  decisionChoices,
  formatDecision,
  parseChoice,
} from './decision-format.js';
import type { LineReader } from './line-reader.js';
import type { ProgressRenderer } from './progress-renderer.js';

/** Options of {@link DecisionHandler}. */
export interface DecisionHandlerOptions {
  service: ReelayService;
  jobId: string;
  /** Where the decision and the prompt are written. */
  out: CliOutput;
  /** Paused while a prompt is shown. */
  renderer?: ProgressRenderer;
  /** Answers are read from here (a terminal, or a pipe for local jobs); null → print how to answer. */
  reader: LineReader | null;
  /** Show `Choose 1-N:` prompts (a terminal). */
  interactive: boolean;
  /** The server URL, for the `reelay decide … --server` hint. */
  server?: string;
  /** Flags the `reelay decide` hint must repeat to reach the same store (e.g. `--data-dir data`). */
  decideFlags?: string;
}

/**
 * Handles `decision-required` events of a job in `ask` mode: prints what happened (provider,
 * stage, elapsed time) and the numbered choices — continue 30 s, continue 5 min, each ranked
 * alternative with its score, cancel — then reads an answer and sends it with `answerDecision`.
 * Without a reader it prints the exact `reelay decide` commands instead. A prompt is withdrawn
 * when the decision is answered elsewhere, replaced, or the job ends.
 */
export class DecisionHandler {
  private current: { decisionId: string; controller: AbortController } | null = null;
  private lastStall = new Map<string, number>();

  constructor(private readonly options: DecisionHandlerOptions) {}

  /** Feed every event of the job here. */
  onEvent(event: StoredEvent): void {
    if (event.type === 'stall-suspected')
      this.lastStall.set(`${event.stage}/${event.provider}`, event.elapsedMs);
    if (event.type === 'decision-required') {
      this.withdraw();
      const controller = new AbortController();
      this.current = { decisionId: event.decisionId, controller };
      void this.handle(event, controller.signal);
    } else if (event.type === 'decision-answered' && event.decisionId === this.current?.decisionId) {
      this.withdraw();
    } else if (TERMINAL_EVENT_TYPES.has(event.type)) {
      this.withdraw();
    }
  }

  /** Withdraws any open prompt. */
  close(): void {
    this.withdraw();
  }

  private withdraw(): void {
    this.current?.controller.abort();
    this.current = null;
  }

  private elapsedMs(event: DecisionEvent): number | undefined {
    const stalled = this.lastStall.get(`${event.stage}/${event.provider}`);
    if (event.trigger === 'stall' && stalled !== undefined) return stalled;
    const started = this.options.renderer?.stageStart(event.stage);
    if (!started) return undefined;
    return Math.max(0, Date.parse(event.timestamp) - Date.parse(started));
  }

  private decideHint(choice: DecisionChoice): string {
    const { jobId, server, decideFlags } = this.options;
    return `${decideCommand(jobId, choice, server)}${decideFlags ? ` ${decideFlags}` : ''}`;
  }

  private async handle(event: DecisionEvent, signal: AbortSignal): Promise<void> {
    const { out, reader, renderer, interactive, service, jobId } = this.options;
    const choices = decisionChoices(event);
    renderer?.pause();
    out.write(formatDecision(event, choices, this.elapsedMs(event)));
    if (!interactive) {
      // No one can type at a prompt: say so at once, and how to answer from elsewhere.
      out.write(
        reader
          ? 'No interactive terminal: answer from another shell with one of the commands below, or type a choice number on stdin.\n'
          : 'No interactive terminal: answer from another shell with one of:\n',
      );
      for (const c of choices) out.write(`  ${this.decideHint(c)}\n`);
    }
    if (!reader) {
      renderer?.resume();
      return;
    }
    try {
      for (;;) {
        if (interactive) out.write(`Choose 1-${choices.length}: `);
        const line = await reader.next(signal);
        if (line === null) {
          if (interactive && signal.aborted) out.write('\n(the decision was answered or withdrawn)\n');
          else if (!signal.aborted)
            out.write(
              `stdin ended; still waiting for \`reelay decide ${jobId} …\` from another shell (Ctrl-C cancels the job).\n`,
            );
          return;
        }
        const choice = parseChoice(line, choices);
        if (!choice) {
          out.write(`"${line.trim()}" is not a choice: type a number from 1 to ${choices.length}.\n`);
          continue;
        }
        try {
          await service.answerDecision(jobId, {
            option: choice.option,
            decisionId: event.decisionId,
            ...(choice.provider ? { provider: choice.provider } : {}),
          });
          out.write(`→ ${choice.label}\n`);
          return;
        } catch (error) {
          out.write(`The answer was not accepted: ${errorMessage(error)}\n`);
          if (signal.aborted) return;
        }
      }
    } finally {
      if (!signal.aborted || this.current === null) renderer?.resume();
    }
  }
}
