// Removes a test's temporary folder once no hook of ours is still at work in it. A hook's end hands
// over to a detached follow-up that can outlive the agent; deleting under it fails with ENOTEMPTY.
import * as fs from 'fs';
import * as path from 'path';

/** Whether a hook process of ours (a hook, its follow-up, or the turn-end script starting one) names `dir` or a path in it. */
export function hookRunsIn(dir: string): boolean {
  if (!fs.existsSync('/proc/self/cmdline')) return false;
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .some((pid) => {
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const hook = argv.includes('hook') && argv.some((arg) => /(^|\/)(cli\.js|boocode)$/.test(arg));
        const ours = hook || argv.includes('--follow-up') || argv.some((arg) => arg.endsWith('turn-end.sh'));
        return ours && argv.some((arg) => arg === dir || arg.startsWith(dir + path.sep));
      } catch {
        return false; // gone
      }
    });
}

/** Waits (at most `waitMs`) for our hooks in `dir` to finish, then removes it, retrying while files still settle. */
export function removeTree(dir: string, waitMs = 25_000): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + waitMs; hookRunsIn(dir) && Date.now() < deadline; ) Atomics.wait(pause, 0, 0, 100);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
