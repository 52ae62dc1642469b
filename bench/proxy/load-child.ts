/** Child process of bench/proxy.ts: autocannon against one target; prints the result as JSON. */
import autocannon from 'autocannon';

const [url, connections, seconds, headersJson, body] = process.argv.slice(2);
const result = await autocannon({
  url: url ?? '',
  connections: Number(connections),
  duration: Number(seconds),
  method: 'POST',
  headers: JSON.parse(headersJson ?? '{}') as Record<string, string>,
  body,
});
process.send?.({
  rps: result.requests.average,
  non2xx: result.non2xx,
  errors: result.errors,
  p50: result.latency.p50,
  p99: result.latency.p99,
});
