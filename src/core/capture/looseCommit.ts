// A checkpoint of a few changed files written from Node as loose objects: the previous tree with
// the changed paths replaced, exactly as `git fast-import` builds it (same trees, same commit id;
// a test holds the two to that), without starting fast-import. It needs every tree on the changed
// paths as a loose object, which is how the previous capture wrote them; when one is packed (after
// git gc, or a first capture on a cloned history) it answers null before writing anything, and the
// capture uses fast-import.
import { formatTree, parseTree, readLooseObject, TreeEntry, writeLooseObject } from '../looseObjects';
import { RawPath } from '../rawPath';
import { EMPTY_TREE } from './treeWriter';

export interface LooseCommitRequest {
  base: string | null;
  deletions: readonly RawPath[];
  puts: readonly { path: RawPath; mode: string; content: Buffer }[];
  message: string;
  parent: string | null;
  /** Unix seconds. */
  time: number;
}

type Blob = { put: LooseCommitRequest['puts'][number]; oid: string };
interface TreeNode {
  kind: 'tree';
  oid: string | null;
  children: Map<string, Node> | null;
  changed: boolean;
}
/** A leaf is a file already in the tree (its oid) or one being written now (its blob). */
type Node = { kind: 'leaf'; mode: string; oid: string; blob?: Blob } | TreeNode;
type Loader = (tree: TreeNode) => Map<string, Node>;

class NotLoose extends Error {}

const IDENT = 'BooCode Checkpoints <checkpoints@boocode.invalid>';

export function writeLooseCommit(objectsDir: string, request: LooseCommitRequest): { commit: string; tree: string } | null {
  const fromBase = !!request.base && request.base !== EMPTY_TREE;
  const root: TreeNode = fromBase ? { kind: 'tree', oid: request.base, children: null, changed: false } : { kind: 'tree', oid: null, children: new Map(), changed: true };
  const load = (tree: TreeNode): Map<string, Node> => {
    if (tree.children) return tree.children;
    const object = tree.oid ? readLooseObject(objectsDir, tree.oid) : null;
    if (!object || object.type !== 'tree') throw new NotLoose();
    tree.children = new Map(
      parseTree(object.body).map((entry): [string, Node] => {
        // Modes as fast-import writes them back: octal without leading zeros.
        const mode = parseInt(entry.mode, 8);
        if ((mode & 0o170000) === 0o040000) return [entry.name, { kind: 'tree', oid: entry.oid, children: null, changed: false }];
        return [entry.name, { kind: 'leaf', mode: mode.toString(8), oid: entry.oid }];
      }),
    );
    return tree.children;
  };
  try {
    // Trees first: nothing is written unless every tree needed is at hand.
    for (const file of request.deletions) remove(root, file.split('/'), load);
    const blobs: Blob[] = request.puts.map((put) => ({ put, oid: '' }));
    for (const blob of blobs) place(root, blob.put.path.split('/'), blob, load);
    for (const blob of blobs) blob.oid = writeLooseObject(objectsDir, 'blob', blob.put.content);
    const tree = writeTree(objectsDir, root);
    const lines = [`tree ${tree}`, ...(request.parent ? [`parent ${request.parent}`] : []), `author ${IDENT} ${request.time} +0000`, `committer ${IDENT} ${request.time} +0000`, '', ''];
    const commit = writeLooseObject(objectsDir, 'commit', Buffer.concat([Buffer.from(lines.join('\n'), 'utf8'), Buffer.from(request.message, 'utf8')]));
    return { commit, tree };
  } catch {
    // A packed tree (NotLoose), or anything unusual (a damaged object, a folder we may not write
    // to): fast-import does the capture, and what git says about it is what the capture reports.
    return null;
  }
}

/** Removes a path (a file, or a folder and all it holds); folders left empty go too. Answers whether anything changed. */
function remove(tree: TreeNode, parts: string[], load: Loader): boolean {
  const children = load(tree);
  const [name, ...rest] = parts;
  const entry = children.get(name);
  if (!entry) return false;
  if (rest.length > 0) {
    // A file where a folder on the path would be: the path cannot exist.
    if (entry.kind !== 'tree' || !remove(entry, rest, load)) return false;
    if (load(entry).size > 0) {
      tree.changed = true;
      return true;
    }
  }
  children.delete(name);
  tree.changed = true;
  return true;
}

/** Sets a path to a blob, making folders on the way (a file in the way becomes a folder). */
function place(tree: TreeNode, parts: string[], blob: Blob, load: Loader): void {
  const children = load(tree);
  tree.changed = true;
  const [name, ...rest] = parts;
  if (rest.length === 0) {
    children.set(name, { kind: 'leaf', mode: blob.put.mode, oid: '', blob });
    return;
  }
  let next = children.get(name);
  if (!next || next.kind !== 'tree') {
    next = { kind: 'tree', oid: null, children: new Map(), changed: true };
    children.set(name, next);
  }
  place(next, rest, blob, load);
}

function writeTree(objectsDir: string, tree: TreeNode): string {
  if ((!tree.changed || !tree.children) && tree.oid) return tree.oid;
  const entries: TreeEntry[] = [];
  for (const [name, node] of tree.children ?? []) {
    if (node.kind === 'tree') {
      if (node.changed && node.children?.size === 0) continue; // emptied or never filled
      entries.push({ mode: '40000', name, oid: writeTree(objectsDir, node) });
    } else {
      entries.push({ mode: node.mode, name, oid: node.blob ? node.blob.oid : node.oid });
    }
  }
  return writeLooseObject(objectsDir, 'tree', formatTree(entries));
}
