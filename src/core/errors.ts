// Errors people read. Every message is one line that says what went wrong and what to do.

export type ErrorCode =
  | 'usage'
  | 'not-found'
  | 'invalid-id'
  | 'invalid-path'
  | 'invalid-session'
  | 'wrong-session'
  | 'wrong-workspace'
  | 'no-folder'
  | 'unreadable-folder'
  | 'locked'
  | 'git-failed'
  | 'nothing-to-undo'
  | 'refused'
  | 'store-failed';

export class BooError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'BooError';
  }
}

/** A one-line message for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof BooError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0].trim() || error.name;
  return String(error);
}
