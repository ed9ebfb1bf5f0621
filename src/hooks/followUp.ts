// How a hook process is told it is the follow-up that records a turn's end: shared by the CLI's
// entry, its own hand-over, the turn-end script's caller and the opencode plugin it writes.

/** The argument that makes a hook process the follow-up that records a turn's end (and waits for a late reply). */
export const FOLLOW_UP_FLAG = '--follow-up';
/** When the agent reported the turn's end (unix ms): the follow-up records the reply at that time. */
export const ENDED_AT_FLAG = '--ended-at';
/** Set to 1, the hook returns only once its follow-up has recorded the turn's end. */
export const WAIT_FOR_FOLLOW_UP_ENV = 'BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP';
