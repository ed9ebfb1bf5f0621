// What our hooks cost a real agent's turn: each agent runs the scripted turns against the mock
// model server with our hooks installed and without, alternating, and we compare the medians of
// (a) the time from launching the agent to its first model request for the turn (the begin hook
// runs in there) and (b) the whole turn (both hooks). Runs with hooks also log each hook process's
// own start and exit (BOOCODE_HOOK_TIMINGS), which a run-to-run difference of agent start-ups
// (tens of milliseconds) cannot blur: (c) the time our processes take inside the turn, and what the
// follow-up does after it. `npm run bench:agents`; BENCH_RUNS (default 5), BOOCODE_AGENTS=codex,gemini
// for a subset, BENCH_NOOP=1 to add hooks that do nothing (the agent's own cost of running a hook).
// Needs `node scripts/setup-agents.js` first.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DRIVERS } from '../test/agents/drivers';
import { disposeScenario, pinOf, runScenario, TimedTurn } from '../test/agents/sandbox';
import type { Sandbox } from '../test/agents/types';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * Between two turns, as a person reads the reply before the next prompt: what our hooks do once a
 * turn has ended (the after-turn checkpoint, the reply) then runs where it runs in real use, not
 * inside the next turn's measurement.
 */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 1000);

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface HookTiming {
  kind: 'hook' | 'end' | 'follow-up';
  startedAt: number;
  endedAt: number;
}

function readTimings(file: string): HookTiming[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HookTiming);
}

/** Our processes' own time inside a turn (the agent waits on them) and the follow-ups' after it. */
function ownTime(timings: HookTiming[], turn: TimedTurn, nextStart: number): { inTurn: number; after: number } {
  let inTurn = 0;
  let after = 0;
  for (const t of timings) {
    if (t.startedAt < turn.startedAt || t.startedAt >= nextStart) continue;
    if (t.kind === 'follow-up') after += t.endedAt - t.startedAt;
    else if (t.startedAt < turn.endedAt) inTurn += t.endedAt - t.startedAt;
  }
  return { inTurn, after };
}

const pad = (value: number, width: number) => String(Math.round(value)).padStart(width);

/**
 * BENCH_NOOP=1 also runs each agent with hooks that do nothing but read their payload (and print
 * what the agent needs): the agent's own cost of running a hook, which no hook of ours can go below.
 */
const NOOP = process.env.BENCH_NOOP === '1';

/** Points every hook command we installed (in the repository's and HOME's JSON configs) at a no-op. */
function makeHooksNoOp(sandbox: Sandbox): void {
  const visit = (dir: string, depth: number): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules' && depth < 4) visit(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json')) {
        const text = fs.readFileSync(full, 'utf8');
        if (!/ hook [a-z-]+/.test(text)) continue;
        const noOp = (command: string) => `cat >/dev/null${/--answer '\{\}'/.test(command) ? "; echo '{}'" : ''}`;
        const walk = (value: unknown): unknown => {
          if (Array.isArray(value)) return value.map(walk);
          if (!value || typeof value !== 'object') return value;
          return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, (key === 'command' || key === 'bash') && typeof inner === 'string' && / hook [a-z-]+/.test(inner) ? noOp(inner) : walk(inner)]));
        };
        fs.writeFileSync(full, JSON.stringify(walk(JSON.parse(text)), null, 2));
      }
    }
  };
  visit(sandbox.repo, 0);
  visit(sandbox.home, 0);
}

async function main(): Promise<void> {
  console.log(`Hook cost per turn, median of ${RUNS} alternating runs (two turns each, ${PAUSE_MS} ms apart; turn 1 is the first after \`hooks install\`, which prepares the store)`);
  console.log('agent        version   turn  to model: with / without / added   whole turn: with / without / added   our processes in the turn / follow-up after it');
  const timingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-bench-timings-'));
  for (const driver of DRIVERS) {
    const samples = { with: [[], []] as number[][], without: [[], []] as number[][], turnWith: [[], []] as number[][], turnWithout: [[], []] as number[][], own: [[], []] as number[][], after: [[], []] as number[][], noOp: [[], []] as number[][], turnNoOp: [[], []] as number[][] };
    for (let run = 0; run < RUNS; run++) {
      if (NOOP && driver.agent !== 'opencode') {
        const result = await runScenario(driver, { hooks: true, pauseMs: PAUSE_MS, afterInstall: makeHooksNoOp });
        try {
          result.turns.forEach((turn, i) => {
            if (turn.status !== 0 || turn.toFirstRequestMs === null) throw new Error(`${driver.agent} turn ${i + 1} failed with no-op hooks: ${turn.stderr.slice(-500)}`);
            samples.noOp[i].push(turn.toFirstRequestMs);
            samples.turnNoOp[i].push(turn.endedAt - turn.startedAt);
          });
        } finally {
          await disposeScenario(result);
        }
      }
      for (const hooks of run % 2 ? [false, true] : [true, false]) {
        const timingsFile = path.join(timingsDir, `${driver.agent}-${run}.jsonl`);
        const result = await runScenario(driver, { hooks, pauseMs: PAUSE_MS, env: hooks ? { BOOCODE_HOOK_TIMINGS: timingsFile } : {} });
        try {
          const timings = readTimings(timingsFile);
          result.turns.forEach((turn, i) => {
            if (turn.status !== 0 || turn.toFirstRequestMs === null) throw new Error(`${driver.agent} turn ${i + 1} failed: ${turn.stderr.slice(-500)}`);
            (hooks ? samples.with : samples.without)[i].push(turn.toFirstRequestMs);
            (hooks ? samples.turnWith : samples.turnWithout)[i].push(turn.endedAt - turn.startedAt);
            if (hooks) {
              const own = ownTime(timings, turn, result.turns[i + 1]?.startedAt ?? Number.POSITIVE_INFINITY);
              samples.own[i].push(own.inTurn);
              samples.after[i].push(own.after);
            }
          });
        } finally {
          await disposeScenario(result);
        }
      }
    }
    for (const turn of [0, 1]) {
      const [w, wo, tw, two, own, after] = [samples.with[turn], samples.without[turn], samples.turnWith[turn], samples.turnWithout[turn], samples.own[turn], samples.after[turn]].map(median);
      const cells = `${pad(w, 6)} / ${pad(wo, 6)} / ${pad(w - wo, 5)} ms    ${pad(tw, 6)} / ${pad(two, 6)} / ${pad(tw - two, 5)} ms    ${pad(own, 24)} / ${pad(after, 4)} ms`;
      console.log(`${driver.agent.padEnd(12)} ${pinOf(driver).version.padEnd(9)} ${String(turn + 1).padStart(4)}  ${cells}`);
      if (samples.noOp[turn].length > 0) {
        const [n, tn] = [median(samples.noOp[turn]), median(samples.turnNoOp[turn])];
        console.log(`${''.padEnd(28)}no-op hooks: ${pad(n, 6)} / ${pad(wo, 6)} / ${pad(n - wo, 5)} ms    ${pad(tn, 6)} / ${pad(two, 6)} / ${pad(tn - two, 5)} ms`);
      }
    }
  }
  fs.rmSync(timingsDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
