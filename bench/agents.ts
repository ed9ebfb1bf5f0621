// What our hooks cost a real agent's turn: each agent runs the scripted turns against the mock
// model server with our hooks installed and without, alternating, and we compare the medians of
// (a) the time from launching the agent to its first model request for the turn (the begin hook
// runs in there) and (b) the whole turn (both hooks). `npm run bench:agents`; BENCH_RUNS (default 5),
// BOOCODE_AGENTS=codex,gemini for a subset. Needs `node scripts/setup-agents.js` first.
import { DRIVERS } from '../test/agents/drivers';
import { disposeScenario, pinOf, runScenario } from '../test/agents/sandbox';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * Between two turns, as a person reads the reply before the next prompt: what our hooks do once a
 * turn has ended (the after-turn checkpoint, the reply) then runs where it runs in real use, not
 * inside the next turn's measurement.
 */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 1000);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  console.log(`Hook cost per turn, median of ${RUNS} alternating runs (two turns each, ${PAUSE_MS} ms apart; turn 1 is the first after \`hooks install\`, which prepares the store)`);
  console.log('agent        version   turn  to model: with / without / added   whole turn: with / without / added');
  for (const driver of DRIVERS) {
    const samples = { with: [[], []] as number[][], without: [[], []] as number[][], turnWith: [[], []] as number[][], turnWithout: [[], []] as number[][] };
    for (let run = 0; run < RUNS; run++) {
      for (const hooks of run % 2 ? [false, true] : [true, false]) {
        const result = await runScenario(driver, { hooks, pauseMs: PAUSE_MS });
        try {
          result.turns.forEach((turn, i) => {
            if (turn.status !== 0 || turn.toFirstRequestMs === null) throw new Error(`${driver.agent} turn ${i + 1} failed: ${turn.stderr.slice(-500)}`);
            (hooks ? samples.with : samples.without)[i].push(turn.toFirstRequestMs);
            (hooks ? samples.turnWith : samples.turnWithout)[i].push(turn.endedAt - turn.startedAt);
          });
        } finally {
          await disposeScenario(result);
        }
      }
    }
    for (const turn of [0, 1]) {
      const [w, wo, tw, two] = [samples.with[turn], samples.without[turn], samples.turnWith[turn], samples.turnWithout[turn]].map(median);
      const cells = `${String(w).padStart(6)} / ${String(wo).padStart(6)} / ${String(w - wo).padStart(5)} ms    ${String(tw).padStart(6)} / ${String(two).padStart(6)} / ${String(tw - two).padStart(5)} ms`;
      console.log(`${driver.agent.padEnd(12)} ${pinOf(driver).version.padEnd(9)} ${String(turn + 1).padStart(4)}  ${cells}`);
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
