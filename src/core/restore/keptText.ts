// Why a restore left a path alone, in words people read in the CLI and the confirmation dialog.
import { KeptCode } from '../types';

const TEXT: Record<KeptCode, string> = {
  ignored: 'ignored now (.gitignore, info/exclude or core.excludesFile): never touched',
  'ignored-by-checkpoint': "ignored by the checkpoint's own .gitignore, so it may have existed then: not deleted",
  'nested-repository': 'inside a repository of its own: never touched',
  'outside-sparse-cone': 'outside the sparse-checkout cone: never written',
  'not-in-checkpoint': 'left out of the checkpoint (too large, unreadable or changing then): left as it is',
  'not-backed-up': 'could not be backed up by the safety checkpoint (too large or unreadable now): left as it is',
  'changed-during-restore': 'changed while the restore ran: your version is kept',
  unwritable: 'its folder cannot be written (permissions, read-only or full disk): left as it is',
  'name-too-long': 'the name is too long for this filesystem: left as it is',
  'in-the-way': 'a file or folder is in the way: left as it is',
  conflict: 'changed since the turn on lines the turn changed too (the merge conflicts): left as it is, no conflict markers written',
  'changed-since-turn': 'changed (or deleted) since the turn, which created or replaced it: left as it is',
  'path-taken': 'the turn deleted it, and something is at its path now: left as it is',
};

export const keptReason = (code: KeptCode): string => TEXT[code];
