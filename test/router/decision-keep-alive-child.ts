// Child process for decision-keep-alive.test.ts: a bare script that awaits a decision. Nothing
// else keeps its event loop open — the answer arrives from an unref'd timer — so the script only
// prints "answered" when the broker holds the process alive while the decision is pending.
import { DecisionBroker } from '../../src/patience/decision-broker.js';

const keepProcessAlive = process.argv[2] !== 'no-hold';
const broker = new DecisionBroker({ emit: () => {}, keepProcessAlive });
const handle = broker.request({
  jobId: 'job-1',
  stage: 'script',
  provider: 'openai',
  trigger: 'stall',
  alternatives: [],
});
setTimeout(() => broker.answer('job-1', { option: 'continue_30s' }), 100).unref();
const answer = await handle.answer;
console.log(`answered ${answer.option}`);
