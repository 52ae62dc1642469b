/** One streamed tool-call delta (`choices[0].delta.tool_calls[i]`). */
interface ToolCallDelta {
  index?: unknown;
  id?: unknown;
  type?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/** A tool call as the client has it so far. */
interface DeliveredCall {
  name: string;
  args: string;
}

/** What {@link ToolCallPrefix.filter} decided for one chunk. */
export type ToolFilter =
  /** Forward the chunk (its deltas may have been trimmed to the part the client lacks). */
  | 'forward'
  /** Drop it: it repeats what the client already has. */
  | 'drop'
  /** The new answer differs from what the client has. */
  | 'diverged';

const callsOf = (obj: Record<string, unknown>): ToolCallDelta[] | undefined => {
  const choice = (obj.choices as Array<{ delta?: { tool_calls?: unknown } }> | undefined)?.[0];
  const calls = choice?.delta?.tool_calls;
  return Array.isArray(calls) ? (calls as ToolCallDelta[]) : undefined;
};

const indexOf = (d: ToolCallDelta): number => (typeof d.index === 'number' ? d.index : 0);

/**
 * The tool calls a client received on a stream, and — after a cut — the check that a restarted
 * answer repeats them exactly (same name, arguments beginning with the delivered text): the
 * repeated prefix is dropped, only the rest is forwarded (with no id or name, which the client
 * already has). Anything else diverges.
 */
export class ToolCallPrefix {
  private readonly delivered = new Map<number, DeliveredCall>();
  private pending: Map<number, DeliveredCall> | undefined;

  /** Whether the client has received any tool-call delta. */
  get any(): boolean {
    return this.delivered.size > 0;
  }

  /** Whether a restart is still repeating delivered tool calls. */
  get replaying(): boolean {
    return this.pending !== undefined;
  }

  /** Notes the tool-call deltas of a chunk forwarded to the client. */
  record(obj: Record<string, unknown>): void {
    for (const d of callsOf(obj) ?? []) {
      const i = indexOf(d);
      const call = this.delivered.get(i) ?? { name: '', args: '' };
      if (typeof d.function?.name === 'string') call.name += d.function.name;
      if (typeof d.function?.arguments === 'string') call.args += d.function.arguments;
      this.delivered.set(i, call);
    }
  }

  /** Starts checking a restarted answer against what was delivered. */
  restart(): void {
    this.pending = this.delivered.size > 0 ? new Map() : undefined;
  }

  /**
   * While replaying: compares a chunk's tool-call deltas with what was delivered, trims the
   * repeated part out of `obj` in place, and says what to do with the chunk.
   */
  filter(obj: Record<string, unknown>, finish: string | undefined): ToolFilter {
    const pending = this.pending;
    if (!pending) return 'forward';
    const calls = callsOf(obj);
    if (!calls) return finish === undefined ? 'drop' : 'diverged';
    const out: ToolCallDelta[] = [];
    for (const d of calls) {
      const i = indexOf(d);
      const had = this.delivered.get(i);
      if (!had) return 'diverged';
      const p = pending.get(i) ?? { name: '', args: '' };
      if (typeof d.function?.name === 'string') p.name += d.function.name;
      const piece = typeof d.function?.arguments === 'string' ? d.function.arguments : '';
      const before = p.args.length;
      p.args += piece;
      pending.set(i, p);
      if (p.name.length > 0 && !had.name.startsWith(p.name)) return 'diverged';
      if (p.args.length <= had.args.length) {
        if (!had.args.startsWith(p.args)) return 'diverged';
        continue;
      }
      if (!p.args.startsWith(had.args) || p.name !== had.name) return 'diverged';
      // Only the part past what the client has goes on (recorded into `delivered` when forwarded).
      out.push({ index: i, function: { arguments: piece.slice(Math.max(0, had.args.length - before)) } });
    }
    const caughtUp = [...this.delivered].every(
      ([i, had]) => (pending.get(i)?.args.length ?? -1) >= had.args.length,
    );
    if (finish !== undefined && !caughtUp) return 'diverged';
    if (caughtUp) this.pending = undefined;
    const delta = (obj.choices as Array<{ delta: { tool_calls?: ToolCallDelta[] } }>)[0]?.delta;
    if (out.length === 0) {
      if (finish === undefined) return 'drop';
      if (delta) delete delta.tool_calls;
      return 'forward';
    }
    if (delta) delta.tool_calls = out;
    return 'forward';
  }
}
