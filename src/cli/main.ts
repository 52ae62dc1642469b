#!/usr/bin/env node
/**
 * The `reelay` executable: `reelay <command> [arguments] [flags]`. See `reelay --help`, and
 * `run-cli.ts` for the logic (this file only binds it to the real process).
 */
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), processIo());
// Exit explicitly: an idle stdin reader or a keep-alive socket must not keep a finished CLI alive.
process.exit(code);
