import { resolve } from 'node:path';
import { startFaultSimulator } from '../../providers/simulator/fault-simulator.js';
import { loadScenarioFile } from '../../providers/simulator/scenario-schema.js';
import { numberValue, stringValue } from '../arg-parser.js';
import type { CliIo } from '../cli-io.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { untilSignal } from '../interrupts.js';

/** Inputs of {@link runSimulate}. */
export interface SimulateArgs {
  /** TCP port; 0 = any free port. @default 4010 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Scenario file (JSON); absent = no faults. */
  scenarioPath?: string;
  /** Print one JSON line instead of text. */
  json?: boolean;
  /** Resolves when the simulator should stop. @default the first SIGINT/SIGTERM */
  until?: () => Promise<unknown>;
}

/**
 * The logic of `reelay simulate`: loads the scenario, starts the fault simulator, prints where it
 * listens, and runs until `until` resolves (Ctrl-C by default). Callable from any CLI wiring.
 */
export async function runSimulate(io: CliIo, args: SimulateArgs): Promise<ExitCode> {
  const scenario = args.scenarioPath ? loadScenarioFile(resolve(io.cwd, args.scenarioPath)) : undefined;
  const sim = await startFaultSimulator({
    port: args.port ?? 4010,
    host: args.host ?? '127.0.0.1',
    ...(scenario ? { scenario } : {}),
  });
  const faults = scenario?.faults.length ?? 0;
  if (args.json) io.stdout.write(`${JSON.stringify({ type: 'listening', url: sim.url, faults })}\n`);
  else
    io.stdout.write(
      `Fault simulator listening on ${sim.url} (${faults} scripted fault${faults === 1 ? '' : 's'})\n` +
        `  OpenAI: ${sim.url}/v1 · Ollama: ${sim.url}/api · ElevenLabs: ${sim.url}/v1/text-to-speech · SD WebUI: ${sim.url}/sdapi/v1\n` +
        '  Stop with Ctrl-C.\n',
    );
  await (args.until ?? untilSignal)();
  await sim.close();
  if (!args.json) io.stdout.write(`Stopped after ${sim.requests.length} request(s).\n`);
  return EXIT_CODES.ok;
}

/** `reelay simulate`: a fake provider with scripted faults, to rehearse a configuration. */
export const simulateCommand: CommandSpec = {
  name: 'simulate',
  summary: 'Run a fake provider with scripted faults until Ctrl-C',
  description:
    'Serves the OpenAI chat (SSE streaming included), Ollama, ElevenLabs and Stable Diffusion WebUI ' +
    'protocols and injects the faults of a scenario file (latency, slow first token, stalls, cut ' +
    'streams, 429, 5xx, resets, silence, malformed chunks, missing [DONE], flapping, context-length ' +
    'and content-policy errors). Point a model group at it to rehearse failover before production.',
  positionals: [],
  options: {
    port: {
      type: 'string',
      short: 'p',
      valueName: 'N',
      description: 'TCP port (0 = any free port)',
      defaultText: '4010',
    },
    host: { type: 'string', valueName: 'H', description: 'Interface to listen on', defaultText: '127.0.0.1' },
    scenario: {
      type: 'string',
      valueName: 'FILE',
      description: 'Scenario file (JSON)',
      defaultText: 'no faults',
    },
  },
  examples: ['reelay simulate --port 4010 --scenario examples/simulator-scenario.json'],
  run({ io }, args) {
    const port = numberValue(args, 'port', { integer: true, min: 0, max: 65535 });
    const host = stringValue(args, 'host');
    const scenarioPath = stringValue(args, 'scenario');
    return runSimulate(io, {
      ...(port === undefined ? {} : { port }),
      ...(host === undefined ? {} : { host }),
      ...(scenarioPath === undefined ? {} : { scenarioPath }),
      json: args.values.json === true,
    });
  },
};
