// Per-run scratch folders and the throwaway git repository the tests open as their workspace.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh folder with a short path (unix socket paths inside it must stay under 108 characters). */
export function makeRunDir(): string {
  const base = fs.existsSync('/tmp') ? '/tmp' : os.tmpdir();
  return fs.realpathSync(fs.mkdtempSync(path.join(base, 'bc-')));
}

export function removeDir(dir: string): void {
  if (process.env.BOOCODE_KEEP_RUN_DIR) return;
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `git init` + one commit in `dir`, with a couple of files; returns the absolute path. */
export function makeGitWorkspace(dir: string): string {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'), '# Test workspace\n\nCreated by the BooCode test harness.\n');
  fs.writeFileSync(path.join(dir, 'src', 'app.js'), "console.log('hello');\n");
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'BooCode Test');
  git('config', 'user.email', 'test@boocode.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial commit');
  return dir;
}

export interface MultiRootWorkspace {
  /** The `.code-workspace` file to open. */
  file: string;
  /** Its folders in order: two git repositories (`web`, `api`), then a plain folder (`notes`, no git). */
  roots: string[];
}

/**
 * A multi-root workspace in `dir`: two git repositories with the same layout (so a path such as
 * src/app.js exists in both) and ignored files, and a plain folder without git.
 */
export function makeMultiRootWorkspace(dir: string): MultiRootWorkspace {
  const web = makeGitWorkspace(path.join(dir, 'web'));
  const api = makeGitWorkspace(path.join(dir, 'api'));
  for (const [root, ignored] of [[web, ['.env', 'build/']], [api, ['*.log']]] as const) {
    fs.writeFileSync(path.join(root, '.gitignore'), `${ignored.join('\n')}\n`);
    execFileSync('git', ['add', '.gitignore'], { cwd: root, stdio: 'pipe' });
    execFileSync('git', ['commit', '-q', '-m', 'Ignore local files'], { cwd: root, stdio: 'pipe' });
  }
  fs.writeFileSync(path.join(web, '.env'), 'SECRET=web\n');
  fs.mkdirSync(path.join(web, 'build'));
  fs.writeFileSync(path.join(web, 'build', 'bundle.bin'), Buffer.from([0, 1, 2, 255, 254]));
  fs.writeFileSync(path.join(api, 'server.log'), 'started\n');
  const notes = path.join(dir, 'notes');
  fs.mkdirSync(path.join(notes, 'drafts'), { recursive: true });
  fs.writeFileSync(path.join(notes, 'todo.md'), '# To do\n\n- write the docs\n');
  fs.writeFileSync(path.join(notes, 'drafts', 'idea.txt'), 'an idea\n');
  const file = path.join(dir, 'multi-root.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: 'web' }, { path: 'api' }, { path: 'notes' }], settings: {} }, null, 2));
  return { file, roots: [web, api, notes] };
}
