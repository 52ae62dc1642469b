/**
 * Child process of bench/proxy-latency.ts: the floor of any Node.js proxy on this machine — a bare
 * `node:http` server that forwards each body to the upstream through an undici keep-alive pool and
 * writes the answer back in one write. No routing, validation, failover or accounting.
 */
import { createServer } from 'node:http';
import { Agent } from 'undici';

const upstream = new URL(`${process.argv[2] ?? ''}/v1/chat/completions`);
const agent = new Agent({ keepAliveTimeout: 30_000, pipelining: 1 });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8').replace('"model":"bench"', '"model":"bench-model"');
    agent
      .request({
        origin: upstream.origin,
        path: upstream.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      .then(async (r) => {
        const text = await r.body.text();
        res.writeHead(r.statusCode, {
          'content-type': String(r.headers['content-type'] ?? 'application/json'),
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ url: `http://127.0.0.1:${port}` });
});
