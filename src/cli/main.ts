#!/usr/bin/env node
/**
 * The `reelay` executable: `reelay <command> [arguments] [flags]`. See `reelay --help`, and
 * `run-cli.ts` for the logic (this file only binds it to the real process).
 */
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

// Reelay's clock unrefs its timers, so a command waiting only on a timer (a retry backoff, a
// status poll) would let the event loop drain mid-command; hold it open until the command ends.
const keepAlive = setInterval(() => {}, 2 ** 30);
const code = await runCli(process.argv.slice(2), processIo());
clearInterval(keepAlive);
// Exit explicitly: an idle stdin reader or a keep-alive socket must not keep a finished CLI alive.
process.exit(code);
