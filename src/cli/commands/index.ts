import type { CommandSpec } from '../command-spec.js';
import { cancelCommand } from './cancel.js';
import { completionCommand } from './completion.js';
import { configCommand } from './config.js';
import { decideCommand } from './decide.js';
import { decisionsCommand } from './decisions.js';
import { doctorCommand } from './doctor.js';
import { downloadCommand } from './download.js';
import { generateCommand } from './generate.js';
import { jobsCommand } from './jobs.js';
import { logsCommand } from './logs.js';
import { providersCommand } from './providers.js';
import { pruneCommand } from './prune.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';
import { statusCommand } from './status.js';
import { workerCommand } from './worker.js';

/**
 * Every `reelay` command, in help order. Adding a command is one file exporting a
 * {@link CommandSpec} (arguments, flags, `run`) and one line here: parsing, help, suggestions and
 * shell completion are generated from the spec by commander (`commander-program.ts`).
 */
export const COMMANDS: readonly CommandSpec[] = [
  generateCommand,
  statusCommand,
  cancelCommand,
  downloadCommand,
  logsCommand,
  decideCommand,
  decisionsCommand,
  jobsCommand,
  providersCommand,
  serveCommand,
  workerCommand,
  pruneCommand,
  doctorCommand,
  simulateCommand,
  configCommand,
  completionCommand,
];
