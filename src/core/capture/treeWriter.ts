// Writes a checkpoint's blobs, trees and commit in one `git fast-import` process: blobs stream in
// as files are read (memory bounded by one file), and the new tree is the previous one with only
// the changed paths replaced, so a checkpoint never rewrites the whole index to get its tree.
// It runs in our private git directory (its scratch ref and any crash report land there, never in
// the user's .git), writing objects into the repository's object store.
import { ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BooError } from '../errors';
import { firstErrorLine, Git } from '../git';
import { cQuote, RawPath } from '../rawPath';

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const SCRATCH_REF = 'refs/boocode/scratch';

export interface CommitRequest {
  /** The tree to start from (the previous capture's), or null for an empty one. */
  base: string | null;
  deletions: RawPath[];
  /** Paths set to a blob streamed earlier (`mark`) or already in the store (`oid`). */
  puts: { path: RawPath; mode: string; mark: string }[];
  message: string;
  parent: string | null;
  /** Unix seconds. */
  time: number;
}

export class TreeWriter {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private closed: Promise<number | null> | null = null;
  private marks = 0;

  constructor(
    private readonly git: Git,
    private readonly privateDir: string,
  ) {}

  /** Starts the process ahead of the first blob, so its start-up overlaps other work. */
  warm(): void {
    this.start();
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = this.git.spawn(['fast-import', '--quiet', '--done', '--force', '--cat-blob-fd=1']);
    child.stdout.on('data', (chunk: Buffer) => this.out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.err.push(chunk));
    child.stdin.on('error', () => undefined);
    this.closed = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    this.child = child;
    return child;
  }

  /** Streams one blob; answers its mark. */
  async blob(content: Buffer): Promise<string> {
    const child = this.start();
    const mark = `:${++this.marks}`;
    await write(child, Buffer.from(`blob\nmark ${mark}\ndata ${content.length}\n`));
    await write(child, content);
    await write(child, Buffer.from('\n'));
    return mark;
  }

  /** Writes the commit; answers its id and its tree's id. */
  async commit(request: CommitRequest): Promise<{ commit: string; tree: string }> {
    const child = this.start();
    const mark = `:${++this.marks}`;
    const message = Buffer.from(request.message, 'utf8');
    const lines: string[] = [`commit ${SCRATCH_REF}`, `mark ${mark}`, `committer BooCode Checkpoints <checkpoints@boocode.invalid> ${request.time} +0000`, `data ${message.length}`];
    const head = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const body: string[] = [''];
    if (request.parent) body.push(`from ${request.parent}`);
    // Start from the previous tree (or nothing), then apply deletions before writes (a file that
    // became a folder, or the other way round, needs the old entry gone first).
    body.push(request.base && request.base !== EMPTY_TREE ? `M 040000 ${request.base} ""` : 'deleteall');
    for (const file of request.deletions) body.push(`D ${cQuote(file)}`);
    for (const put of request.puts) body.push(`M ${put.mode} ${put.mark} ${cQuote(put.path)}`);
    body.push('', `get-mark ${mark}`, `ls ${mark} ""`, 'done', '');
    await write(child, head);
    await write(child, message);
    await write(child, Buffer.from(body.join('\n'), 'latin1'));
    child.stdin.end();
    const code = await this.closed;
    const stdout = Buffer.concat(this.out).toString('utf8').split('\n');
    if (code !== 0) throw this.failure(code);
    const commit = stdout[0]?.trim();
    const tree = /^040000 tree ([0-9a-f]+)/.exec(stdout[1] ?? '')?.[1];
    if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) throw this.failure(code);
    return { commit, tree: tree ?? EMPTY_TREE };
  }

  /** Stops a writer that will not commit (the capture failed). */
  abort(): void {
    this.child?.kill('SIGKILL');
    this.removeCrashReports();
  }

  private failure(code: number | null): BooError {
    this.removeCrashReports();
    const stderr = Buffer.concat(this.err).toString('latin1');
    return new BooError('git-failed', `git fast-import failed: ${firstErrorLine(stderr, `exit code ${code}`)}`);
  }

  /** fast-import leaves a crash report in its git directory (ours): it says nothing we do not log. */
  private removeCrashReports(): void {
    try {
      for (const name of fs.readdirSync(this.privateDir)) {
        if (name.startsWith('fast_import_crash_')) fs.rmSync(path.join(this.privateDir, name), { force: true });
      }
    } catch {
      // nothing to clean
    }
  }
}

function write(child: ChildProcessWithoutNullStreams, data: Buffer): Promise<void> {
  if (data.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    if (child.stdin.write(data)) resolve();
    else {
      const done = () => {
        child.stdin.off('drain', done);
        child.stdin.off('close', done);
        resolve();
      };
      child.stdin.on('drain', done);
      child.stdin.on('close', done);
    }
  });
}
