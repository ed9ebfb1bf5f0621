// What differs between the work tree and our private index, read from `git diff-files --raw -z`
// and `git ls-files -o -z --directory` (run with our private git directory, so our exclude rules
// apply) and from what git says on stderr about folders and files it could not read.
import { RawPath, splitRaw } from '../rawPath';

export interface StatusReport {
  /** Files whose work-tree state differs from the index (changed, deleted, untracked). */
  paths: RawPath[];
  /** Untracked folders, listed whole by git (`dir/`): their files are listed separately. */
  folders: RawPath[];
  /** Paths git could not read (folders end with '/'). */
  unreadable: RawPath[];
}

/** `diff-files --raw -z` is `:modes oids status NUL path NUL` per entry; `ls-files -o -z --directory` lists folders with a trailing `/`. */
export function parseStatus(changed: Buffer, untracked: Buffer, stderr: string): StatusReport {
  const paths: RawPath[] = [];
  const folders: RawPath[] = [];
  const fields = splitRaw(changed);
  for (let i = 0; i + 1 < fields.length; i += 2) paths.push(fields[i + 1]);
  for (const file of splitRaw(untracked)) {
    if (file.endsWith('/')) folders.push(file.slice(0, -1) as RawPath);
    else paths.push(file);
  }
  return { paths, folders, unreadable: unreadableFromStderr(stderr) };
}

// git prints `warning: could not open directory 'dir/': Permission denied` when it cannot list a
// folder, and `<path>: Permission denied` (perror) when it cannot lstat a tracked file. stderr is
// read as latin1, so the paths in it are raw bytes.
const FOLDER = /^warning: could not open directory '(.+\/)': (.+)$/;
const ERRNO_TEXT = /: (Permission denied|Input\/output error|Operation not permitted|Stale file handle|Too many levels of symbolic links|File name too long|Not a directory)$/;

export function unreadableFromStderr(stderr: string): RawPath[] {
  const found: RawPath[] = [];
  for (const line of stderr.split('\n')) {
    const folder = FOLDER.exec(line);
    if (folder) {
      found.push(folder[1] as RawPath);
      continue;
    }
    const errno = ERRNO_TEXT.exec(line);
    if (errno && !/^(warning|error|fatal|hint):/.test(line)) found.push(line.slice(0, errno.index) as RawPath);
  }
  return found;
}

/** Errors after which our private index cannot be trusted and is rebuilt. */
export function isBrokenIndexError(message: string): boolean {
  return /index file (smaller than expected|corrupt|open failed)|bad signature|bad index (file sha1 )?signature|index uses .* extension|unknown index entry format|bad index version|invalid sha1 pointer in cache-tree|read-tree|cache entry has null sha1|unable to read sharedindex|sharedindex/i.test(message);
}

/** Errors that say objects our index or base tree refer to are gone (e.g. after `git gc --prune=now`). */
export function isMissingObjectError(message: string): boolean {
  return /invalid object|unable to read|bad object|missing (blob|tree|object)|not a valid object|is not a valid '?tree|Not a tree|does not exist|fatal: object .* is corrupted|loose object .* is corrupt|packfile .* cannot be accessed|Invalid dataref/i.test(message);
}
