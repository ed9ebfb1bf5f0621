// Every agent we connect, by the name `boocode hook <agent>` and `boocode hooks install <agent>` take.
import { AgentName } from '../payload';
import { AgentSpec } from '../spec';
import { claudeCode } from './claudeCode';
import { codex } from './codex';
import { copilot } from './copilot';
import { cursor } from './cursor';
import { gemini } from './gemini';
import { opencode } from './opencode';

export const AGENT_SPECS: Record<AgentName, AgentSpec> = {
  'claude-code': claudeCode,
  copilot,
  codex,
  gemini,
  opencode,
  cursor,
};
