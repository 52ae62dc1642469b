/**
 * The program of the spawn helper (see `spawn-helper.ts`): plain CommonJS run with `node -e`, so it
 * needs no build step and no file on disk. It starts the processes its parent asks for and relays
 * what they report over the IPC channel, one message each:
 *
 * - in: `{t:'s', id, file, argv, cwd, env, detached, keep}` start; `{t:'k', id, sig}` signal it;
 * - out: `{t:'p', id, pid}` started; `{t:'o'|'r', id, d}` stdout / stderr text; `{t:'e', id, e}` could
 *   not start (message, code, errno, syscall, path); `{t:'c', id, code, sig}` closed.
 *
 * It ignores SIGINT, SIGTERM and SIGHUP (a Ctrl-C or a stop sent to the parent's process group must
 * not end the renders before the parent decides) and exits when the channel closes — the parent
 * exited or was killed — so the pipes it holds close and every watchdog ends its process group.
 */
export const SPAWN_HELPER_SCRIPT = `'use strict';
process.title = 'reelay-spawn-helper';
const { spawn } = require('node:child_process');
const kids = new Map();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.on('disconnect', () => process.exit(0));
const send = (m) => { if (process.connected) process.send(m); };
const info = (e) => ({ message: String(e && e.message), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path });
process.on('message', (m) => {
  if (m.t === 'k') {
    const c = kids.get(m.id);
    if (c) try { c.kill(m.sig); } catch {}
    return;
  }
  if (m.t !== 's') return;
  const id = m.id;
  let c;
  try {
    c = spawn(m.file, m.argv, { cwd: m.cwd, env: m.env, stdio: 'pipe', detached: m.detached });
  } catch (e) {
    send({ t: 'e', id, e: info(e) });
    send({ t: 'c', id, code: null, sig: null });
    return;
  }
  kids.set(id, c);
  c.stdin.on('error', () => {});
  if (!m.keep) c.stdin.end();
  c.stdout.setEncoding('utf8');
  c.stdout.on('data', (d) => send({ t: 'o', id, d }));
  c.stderr.setEncoding('utf8');
  c.stderr.on('data', (d) => send({ t: 'r', id, d }));
  c.once('spawn', () => send({ t: 'p', id, pid: c.pid }));
  c.once('error', (e) => send({ t: 'e', id, e: info(e) }));
  c.once('close', (code, sig) => { kids.delete(id); send({ t: 'c', id, code, sig }); });
});
`;
