// Every process started in the extension host (where the extension runs) while the suite runs: the async
// ones (spawn, execFile, exec: what our Git class and simple-git use) through Node's own `child_process`
// diagnostics channel, the synchronous ones by wrapping them on the module, which the channel misses.
// Nothing in the extension is changed for this.
import * as diagnostics from 'diagnostics_channel';
import * as path from 'path';

export interface Started {
  how: string;
  argv: string[];
}

class ProcessWatch {
  readonly started: Started[] = [];
  private running = false;

  start(): void {
    if (this.running) return;
    this.running = true;
    diagnostics.subscribe('child_process', (message) => {
      const child = (message as { process: { spawnargs?: string[] } }).process;
      // Published before the process is spawned: its command line is filled in right after.
      queueMicrotask(() => this.started.push({ how: 'spawn', argv: child.spawnargs ?? [] }));
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('child_process') as Record<string, (...args: unknown[]) => unknown>;
    for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
      const original = module[name];
      const watch = this;
      module[name] = function (this: unknown, ...args: unknown[]) {
        const [file, rest] = args;
        watch.started.push({ how: name, argv: [String(file), ...(Array.isArray(rest) ? rest.map(String) : [])] });
        return original.apply(this, args);
      };
    }
  }

  /** The git processes among them (run directly, or through a shell). */
  gits(): Started[] {
    return this.started.filter(({ argv }) => path.basename(argv[0] ?? '') === 'git' || argv.some((arg) => /(^|[\s/;&|])git(\s|$)/.test(arg)));
  }
}

export const processWatch = new ProcessWatch();
