import type { CommandSpec } from '../command-spec.js';
import { cancelCommand } from './cancel.js';
import { decideCommand } from './decide.js';
import { decisionsCommand } from './decisions.js';
import { doctorCommand } from './doctor.js';
import { generateCommand } from './generate.js';
import { jobsCommand } from './jobs.js';
import { providersCommand } from './providers.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { workerCommand } from './worker.js';

/** Every `reelay` command, in help order. */
export const COMMANDS: readonly CommandSpec[] = [
  generateCommand,
  statusCommand,
  cancelCommand,
  decideCommand,
  decisionsCommand,
  jobsCommand,
  providersCommand,
  serveCommand,
  workerCommand,
  doctorCommand,
];
