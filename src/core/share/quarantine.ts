// Objects that arrive are written to a private object directory first (git's own "quarantine"
// idea): checks and rewrites run against it with the repository as an alternate, and only once
// everything is ready are its files moved into the repository. A failure deletes the directory.
import * as fs from 'fs';
import * as path from 'path';
import { Git, GitRunOptions } from '../git';
import { Workspace } from '../workspace';

export class Quarantine {
  readonly dir: string;
  private readonly repoObjects: string;

  constructor(
    private readonly ws: Workspace,
    private readonly git: Git,
  ) {
    fs.mkdirSync(ws.stateDir, { recursive: true, mode: 0o700 });
    // Beside the repository's objects' filesystem (the state dir lives in the git dir), so moving is a rename.
    this.dir = fs.mkdtempSync(path.join(ws.stateDir, 'incoming-'));
    fs.mkdirSync(path.join(this.dir, 'pack'));
    this.repoObjects = path.join(ws.commonDir, 'objects');
  }

  /** Runs git seeing the repository's objects and the quarantined ones; new objects go to quarantine. */
  run(args: string[], options: GitRunOptions = {}) {
    return this.git.run(args, { ...options, env: { ...options.env, GIT_OBJECT_DIRECTORY: this.dir, GIT_ALTERNATE_OBJECT_DIRECTORIES: this.repoObjects } });
  }

  /** Moves every quarantined object into the repository: packs (index last, so git never sees half a pack), then loose objects. */
  migrate(): void {
    const packDir = path.join(this.dir, 'pack');
    const rank = (name: string) => (name.endsWith('.pack') ? 0 : name.endsWith('.idx') ? 2 : 1);
    const packs = fs.readdirSync(packDir).filter((name) => !name.startsWith('tmp_')).sort((a, b) => rank(a) - rank(b));
    fs.mkdirSync(path.join(this.repoObjects, 'pack'), { recursive: true });
    for (const name of packs) moveFile(path.join(packDir, name), path.join(this.repoObjects, 'pack', name));
    for (const fan of fs.readdirSync(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(fan)) continue;
      fs.mkdirSync(path.join(this.repoObjects, fan), { recursive: true });
      for (const name of fs.readdirSync(path.join(this.dir, fan))) moveFile(path.join(this.dir, fan, name), path.join(this.repoObjects, fan, name));
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Objects are named by their content: one already there is the same object, and is kept. */
function moveFile(from: string, to: string): void {
  if (fs.existsSync(to)) return;
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}
