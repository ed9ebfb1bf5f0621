// Git bundles of checkpoint commits, written and read by us so that the pack inside is never thin:
// every object a checkpoint adds travels, and only its parent commit (and what that commit holds)
// is expected on the other side. `git bundle verify` and `git bundle unbundle` read the result.
import { BooError } from '../errors';
import { Git } from '../git';

const HEADER = '# v2 git bundle\n';

export interface BundleTip {
  ref: string;
  commit: string;
}

export interface ParsedBundle {
  prerequisites: string[];
  tips: BundleTip[];
  pack: Buffer;
}

/** A bundle holding `tips` and every object they need beyond `prerequisites` (commits the receiver must have). */
export async function createBundle(git: Git, tips: BundleTip[], prerequisites: string[]): Promise<Buffer> {
  const revs = [...tips.map((tip) => tip.commit), ...prerequisites.map((commit) => `^${commit}`)].join('\n') + '\n';
  // Not --thin: no delta may rest on an object the receiver might lack.
  const pack = await git.run(['pack-objects', '--stdout', '--revs', '--delta-base-offset', '--quiet'], { input: revs });
  const lines = [HEADER, ...prerequisites.map((commit) => `-${commit} checkpoint parent\n`), ...tips.map((tip) => `${tip.commit} ${tip.ref}\n`), '\n'];
  return Buffer.concat([Buffer.from(lines.join(''), 'utf8'), pack.stdout]);
}

export function parseBundle(data: Buffer, file: string): ParsedBundle {
  const bad = () => new BooError('refused', `${file}: the git bundle inside is not readable; nothing was imported.`);
  if (!data.subarray(0, HEADER.length).equals(Buffer.from(HEADER))) throw bad();
  const prerequisites: string[] = [];
  const tips: BundleTip[] = [];
  let offset = HEADER.length;
  for (;;) {
    const end = data.indexOf(10, offset);
    if (end < 0) throw bad();
    const line = data.subarray(offset, end).toString('utf8');
    offset = end + 1;
    if (line === '') break;
    const prerequisite = /^-([0-9a-f]{40}(?:[0-9a-f]{24})?)(?: .*)?$/.exec(line);
    const tip = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (refs\/\S+)$/.exec(line);
    if (prerequisite) prerequisites.push(prerequisite[1]);
    else if (tip) tips.push({ commit: tip[1], ref: tip[2] });
    else throw bad();
  }
  if (!data.subarray(offset, offset + 4).equals(Buffer.from('PACK'))) throw bad();
  return { prerequisites, tips, pack: data.subarray(offset) };
}
