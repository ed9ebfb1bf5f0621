// Every agent the agents tier runs for real. Cursor has no CLI on the npm registry: its hooks are
// covered by the payload fixtures in test/fixtures/agents/cursor only.
// BOOCODE_AGENTS=codex,gemini runs a subset.
import { AgentDriver } from '../types';
import { claudeCodeDriver } from './claudeCode';
import { codexDriver } from './codex';
import { copilotDriver } from './copilot';
import { geminiDriver } from './gemini';
import { opencodeDriver } from './opencode';

const ALL: AgentDriver[] = [claudeCodeDriver, codexDriver, geminiDriver, opencodeDriver, copilotDriver];
const only = (process.env.BOOCODE_AGENTS ?? '').split(',').filter(Boolean);

export const DRIVERS: AgentDriver[] = only.length ? ALL.filter((driver) => only.includes(driver.agent)) : ALL;
