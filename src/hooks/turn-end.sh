#!/bin/sh
# BooCode: a turn's end, handed over without making the agent wait for Node to start. The agent's
# payload stays in the pipe it came through: the hook's detached follow-up reads it from there (no
# shell ever sees it) and records the turn's end checkpoint and the reply after the agent has gone on.
#
# Usage (written by `boocode hooks install`): turn-end.sh [--answer TEXT] PROGRAM [ARG...] hook AGENT [-C DIR]
# TEXT is what the agent needs on stdout for this event (Codex's Stop: {}).
answer=
if [ "$1" = --answer ]; then
  answer=$2
  shift 2
fi
if [ "$BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP" = 1 ]; then
  # Tests, and anyone debugging a hook: return once the turn's end is recorded.
  "$@" --follow-up >/dev/null 2>&1
else
  # A command run in the background gets /dev/null as stdin unless told otherwise: pass the pipe on fd 3.
  exec 3<&0
  if command -v setsid >/dev/null 2>&1; then
    # A session of its own: nothing the agent does to its hook's process group stops the recording.
    # The command substitution ends when the follow-up lets go of its output, which it does only
    # once it has left this group: so this script never returns before that.
    : "$(setsid /bin/sh -c 'exec "$@" --follow-up <&3 >/dev/null 2>&1 3<&-' boocode-turn-end "$@" &)"
  else
    "$@" --follow-up <&3 >/dev/null 2>&1 3<&- &
  fi
  exec 3<&-
fi
[ -z "$answer" ] || printf '%s\n' "$answer"
exit 0
