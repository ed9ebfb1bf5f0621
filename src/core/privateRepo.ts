// Our private git directory: where the capture's git commands run. It borrows the repository's
// object store (GIT_OBJECT_DIRECTORY) and includes its config, but has its own attributes, its own
// exclude file and its own HEAD, so that:
// - no line-ending conversion, clean/smudge filter (LFS), `ident` or encoding ever applies: a
//   checkpoint holds the bytes on disk, and a filter program that is missing cannot fail a capture;
// - our temp files, the user's exclude patterns and our own state never enter a checkpoint (as
//   exclude rules, not pathspecs, so every git command we run agrees on them);
// - a crash report or a lock of ours can never land in the user's .git.
// A plain folder's shadow repository is already ours: it plays this role itself.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Git, splitNul } from './git';
import { isWithin, rawFromText } from './rawPath';
import { ensurePrivateDir, writePrivateFile } from './privateFiles';
import { Workspace } from './workspace';

/** Every conversion git could apply between disk and object store, switched off. */
const NEUTRAL_ATTRIBUTES = '* -text -eol -crlf -filter -ident -working-tree-encoding\n';

/** Temp files of a restore: never captured, wherever they are. */
export const TEMP_PATTERN = '.boocode-*';

/** Settings of the user's git that change what we do, read once per change of their config files. */
export interface RepoFacts {
  objectFormat: 'sha1' | 'sha256';
  /** The user set `core.sharedRepository`: leave object permissions to it. */
  sharedRepository: boolean;
  sparseCheckout: boolean;
  /** `core.autocrlf` is on (true or input): the user's index may hold converted blobs. */
  autocrlf: boolean;
  attributesFile: string | null;
  excludesFile: string | null;
}

interface FactsFile {
  stamps: string;
  facts: RepoFacts;
}

/** Settings our capture git always runs with, on top of SAFE_CONFIG. */
function captureConfig(facts: RepoFacts): string[] {
  return [
    // Exactness whatever the repository says: case-only renames and exec bits are captured as on
    // disk, symlinks stay symlinks, nothing is converted.
    'core.ignorecase=false',
    'core.precomposeUnicode=true',
    'core.fileMode=true',
    'core.symlinks=true',
    'core.autocrlf=false',
    'core.safecrlf=false',
    // A chmod changes only the ctime: trusted, so a mode-only change is seen and recorded.
    'core.trustctime=true',
    'core.checkStat=default',
    // Objects we write (untracked files, secrets included) readable by their owner only.
    ...(facts.sharedRepository ? [] : ['core.sharedRepository=0600']),
  ];
}

export class PrivateRepo {
  /** The git directory capture commands run in. */
  readonly dir: string;
  /** The object store shared with the repository. */
  readonly objectsDir: string;
  facts: RepoFacts;

  constructor(
    private readonly ws: Workspace,
    private readonly excludePatterns: readonly string[],
    private readonly sourceEnv: NodeJS.ProcessEnv = process.env,
  ) {
    this.dir = ws.kind === 'shadow' ? ws.gitDir : path.join(ws.stateDir, 'gitdir');
    this.objectsDir = path.join(ws.commonDir, 'objects');
    this.facts = DEFAULT_FACTS;
  }

  /** Git for the capture: our directory, the repository's objects, the given index. */
  captureGit(indexFile: string): Git {
    return new Git(this.ws.topLevel, this.dir, this.sourceEnv, {
      config: captureConfig(this.facts),
      env: { GIT_INDEX_FILE: indexFile, GIT_OBJECT_DIRECTORY: this.objectsDir },
    });
  }

  /** Git that checks paths against ignore rules laid out in another folder (a checkpoint's own rules). */
  ruleChecker(workTree: string): Git {
    return new Git(workTree, this.dir, this.sourceEnv, { config: captureConfig(this.facts), env: { GIT_OBJECT_DIRECTORY: this.objectsDir, GIT_INDEX_FILE: path.join(this.dir, 'no-index') } });
  }

  /** Git on the repository itself (refs, commits, the user's own index read-only). */
  realGit(extra: { config?: string[]; env?: Record<string, string> } = {}): Git {
    return new Git(this.ws.topLevel, this.ws.gitDir, this.sourceEnv, extra);
  }

  /**
   * Brings our directory in line with the repository: config include, object format, attributes,
   * exclude file (the user's, plus ours) and HEAD. Writes only what changed; costs a few stats.
   */
  async sync(head: string | null): Promise<void> {
    this.facts = await this.readFacts();
    ensurePrivateDir(this.dir);
    ensurePrivateDir(path.join(this.dir, 'info'));
    ensurePrivateDir(path.join(this.dir, 'refs'));
    if (this.ws.kind === 'git') {
      const include = [path.join(this.ws.commonDir, 'config'), path.join(this.ws.gitDir, 'config.worktree')]
        .map((file) => `[include]\n\tpath = ${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}\n`)
        .join('');
      const format =
        this.facts.objectFormat === 'sha256' ? '[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n' : '[core]\n\trepositoryformatversion = 0\n';
      writeIfChanged(path.join(this.dir, 'config'), `${format}\tbare = false\n${include}`);
      // git needs a HEAD to know this is a repository; capture then points it where it wants (setHead).
      if (!fs.existsSync(path.join(this.dir, 'HEAD'))) this.setHead(head);
    }
    writeIfChanged(path.join(this.dir, 'info', 'attributes'), NEUTRAL_ATTRIBUTES);
    writeIfChanged(path.join(this.dir, 'info', 'exclude'), this.excludeFile());
  }

  /** Points our HEAD at the commit whose tree our index holds, so status compares against it cheaply. */
  setHead(commit: string | null): void {
    writeIfChanged(path.join(this.dir, 'HEAD'), commit ? `${commit}\n` : 'ref: refs/heads/boocode-unborn\n');
  }

  private excludeFile(): string {
    const lines: string[] = [];
    if (this.ws.kind === 'git') {
      try {
        lines.push(fs.readFileSync(path.join(this.ws.commonDir, 'info', 'exclude'), 'latin1').replace(/\n?$/, '\n'));
      } catch {
        // no exclude file
      }
    }
    lines.push('# BooCode: restore temp files, exclude patterns (boocode.checkpoints.exclude), our own state\n');
    lines.push(`${TEMP_PATTERN}\n`);
    for (const raw of this.excludePatterns) {
      const pattern = raw.trim();
      if (pattern && !pattern.startsWith('#') && !pattern.startsWith('!')) lines.push(`${rawFromText(pattern)}\n`);
    }
    // Our state and the repository's git directory, when they sit inside the work tree, are never content.
    for (const own of [this.ws.stateDir, this.ws.gitDir, this.ws.commonDir]) {
      const relative = path.relative(this.ws.topLevel, own).split(path.sep).join('/');
      if (relative && !relative.startsWith('..') && !path.isAbsolute(relative) && !isWithin(relative, '.git')) lines.push(`/${relative}/\n`);
    }
    return lines.join('');
  }

  /** The repository's settings that matter to us, re-read only when one of git's config files changed. */
  private async readFacts(): Promise<RepoFacts> {
    const stamps = configFiles(this.ws, this.sourceEnv).map(stampText).join('|');
    const cache = path.join(this.ws.stateDir, 'repo-facts.json');
    try {
      const cached = JSON.parse(fs.readFileSync(cache, 'utf8')) as FactsFile;
      if (cached.stamps === stamps) return cached.facts;
    } catch {
      // not read yet
    }
    const facts = await this.probeFacts();
    ensurePrivateDir(this.ws.stateDir);
    writePrivateFile(cache, JSON.stringify({ stamps, facts }));
    return facts;
  }

  private async probeFacts(): Promise<RepoFacts> {
    if (this.ws.kind === 'shadow') return { ...DEFAULT_FACTS, ...(await this.globalFacts()) };
    const listed = await this.realGit().run(['config', '-z', '--list'], { okCodes: [0, 1] });
    return parseFacts(splitNul(listed.stdout));
  }

  private async globalFacts(): Promise<Partial<RepoFacts>> {
    const listed = await new Git(this.ws.topLevel, this.dir, this.sourceEnv).run(['config', '-z', '--list'], { okCodes: [0, 1, 128] });
    const facts = parseFacts(splitNul(listed.stdout));
    return { excludesFile: facts.excludesFile, attributesFile: facts.attributesFile };
  }
}

const DEFAULT_FACTS: RepoFacts = {
  objectFormat: 'sha1',
  sharedRepository: false,
  sparseCheckout: false,
  autocrlf: false,
  attributesFile: null,
  excludesFile: null,
};

export function parseFacts(entries: string[]): RepoFacts {
  const config = new Map<string, string>();
  for (const entry of entries) {
    const newline = entry.indexOf('\n');
    const key = (newline < 0 ? entry : entry.slice(0, newline)).toLowerCase();
    config.set(key, newline < 0 ? 'true' : entry.slice(newline + 1));
  }
  const truthy = (value: string | undefined) => !!value && /^(true|yes|on|1|input)$/i.test(value.trim());
  return {
    objectFormat: config.get('extensions.objectformat') === 'sha256' ? 'sha256' : 'sha1',
    sharedRepository: config.has('core.sharedrepository') && !/^(false|umask|0|no|off)$/i.test(config.get('core.sharedrepository') ?? ''),
    sparseCheckout: truthy(config.get('core.sparsecheckout')),
    autocrlf: truthy(config.get('core.autocrlf')),
    attributesFile: expandHome(config.get('core.attributesfile') ?? null),
    excludesFile: expandHome(config.get('core.excludesfile') ?? null),
  };
}

function expandHome(file: string | null): string | null {
  if (!file) return null;
  return file.startsWith('~/') ? path.join(os.homedir(), file.slice(2)) : file;
}

/** The config files git reads for this repository (whether or not they exist). */
function configFiles(ws: Workspace, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || os.homedir();
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const files = [path.join(home, '.gitconfig'), path.join(xdg, 'git', 'config'), '/etc/gitconfig'];
  if (ws.kind === 'git') files.push(path.join(ws.commonDir, 'config'), path.join(ws.gitDir, 'config.worktree'));
  return files;
}

/** Stat fields that change whenever a file is rewritten (used to notice config and ignore changes). */
export function stampText(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch {
    return '-';
  }
}

function writeIfChanged(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, 'latin1') === content) return;
  } catch {
    // missing: written below
  }
  writePrivateFile(file, Buffer.from(content, 'latin1'));
}
