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
