// opencode's own sessions live in its database, not in a file. Its server API (1.18.33, read from
// the installed binary's source) forks a session at a message: `POST /session/{id}/fork` with
// `{messageID}` copies every message before that one into a new session (new ids, files untouched).
// No command-line flag does that (`--fork` copies a whole session), so for a resume at a turn we
// start `opencode serve` on loopback for a moment, with a one-time password, fork, and stop it;
// then `opencode --session <fork>` opens the fork in its TUI.
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as net from 'net';
import type { ResumeCut } from '../types';

export interface OpencodeForkOptions {
  program: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  sessionId: string;
  /** Null: only check the session is there (a whole-session resume). */
  cut: ResumeCut | null;
  timeoutMs?: number;
}

export type OpencodeFork = { ok: true; sessionId: string; prompts: number } | { ok: false; missing: boolean; reason: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Message {
  info: { id: string; role: string };
  parts: { type?: string; text?: string; synthetic?: boolean }[];
}

const sameText = (a: string, b: string) => a.trim().slice(0, 4096) === b.trim().slice(0, 4096);

/** Forks the session before the cut's prompt (by its recorded message id, else by its text); without a cut, checks it is there. */
export async function forkOpencodeSession(options: OpencodeForkOptions): Promise<OpencodeFork> {
  const password = randomBytes(18).toString('base64url');
  const port = await freePort();
  const child = spawn(options.program, ['serve', '--port', String(port), '--hostname', '127.0.0.1', '--pure'], {
    cwd: options.cwd,
    // opencode takes its project folder from $PWD.
    env: { ...options.env, PWD: options.cwd, OPENCODE_SERVER_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const stop = () => {
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      // gone
    }
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`opencode serve did not start within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`)), options.timeoutMs ?? 60_000);
      const seen = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', seen);
      child.stderr?.on('data', seen);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`opencode serve exited (${code}): ${output.trim().split('\n').pop() ?? ''}`));
      });
    });
    const auth = `Basic ${Buffer.from(`opencode:${password}`).toString('base64')}`;
    const query = `?directory=${encodeURIComponent(options.cwd)}`;
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${base}${route}${query}`, {
        method,
        headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
    };
    const id = encodeURIComponent(options.sessionId);
    const listed = await call('GET', `/session/${id}/message`);
    if (listed.status === 404 || (listed.status === 200 && Array.isArray(listed.json) && listed.json.length === 0)) {
      return { ok: false, missing: true, reason: `opencode has no session ${options.sessionId} here` };
    }
    if (listed.status !== 200 || !Array.isArray(listed.json)) return { ok: false, missing: false, reason: `opencode answered ${listed.status} listing the session's messages` };
    const users = (listed.json as Message[]).filter((message) => message?.info?.role === 'user');
    if (!options.cut) return { ok: true, sessionId: options.sessionId, prompts: users.length };
    const cut = options.cut;
    const textOf = (message: Message) => message.parts.filter((part) => part.type === 'text' && !part.synthetic && typeof part.text === 'string').map((part) => part.text).join('\n');
    let target = cut.agentRef ? users.findIndex((message) => message.info.id === cut.agentRef) : -1;
    if (target < 0) {
      let seen = 0;
      target = users.findIndex((message) => sameText(textOf(message), cut.text) && ++seen === cut.ordinal);
    }
    if (target < 0) return { ok: false, missing: true, reason: `the turn's prompt is not in opencode's session ${options.sessionId}` };
    const forked = await call('POST', `/session/${id}/fork`, { messageID: users[target].info.id });
    if (forked.status !== 200 || typeof forked.json?.id !== 'string') return { ok: false, missing: false, reason: `opencode answered ${forked.status} to the fork` };
    return { ok: true, sessionId: forked.json.id, prompts: target };
  } catch (error) {
    return { ok: false, missing: false, reason: (error as Error).message };
  } finally {
    stop();
  }
}
