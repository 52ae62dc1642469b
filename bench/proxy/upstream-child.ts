/** Child process of bench/proxy.ts: the fault simulator with no faults, as the local upstream. */
import { startFaultSimulator } from '../../src/providers/simulator/fault-simulator.js';

const sim = await startFaultSimulator({
  scenario: { reply: 'The quick brown fox jumps over the lazy dog.' },
});
process.send?.({ url: sim.url });
