// A mock model server on 127.0.0.1: every real agent CLI in this tier talks to it instead of a
// model. It plays a fixed script (per turn: tool calls one request at a time, then a reply) and
// records when each request arrived, which is how the tier measures what our hooks cost a turn.
import * as http from 'http';
import { AddressInfo } from 'net';
import { ConversationState, MockProtocol, MockRequest, ModelAction, TurnScript } from './types';

export interface RecordedRequest {
  /** Date.now() when the request's body had arrived. */
  at: number;
  protocol: string;
  method: string;
  path: string;
  state: ConversationState | null;
  /** Index of the scripted turn the request belongs to, or -1. */
  turn: number;
  action: ModelAction['kind'] | 'none';
  /** The request body as text (what the agent sent the model: the conversation it carries). */
  body: string;
}

export interface MockServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests no protocol answered (method and path): a sign the agent's API moved. */
  unmatched: string[];
  /** The first model request of scripted turn `turn` at or after `since`, or null. */
  firstRequestOfTurn(turn: number, since?: number): RecordedRequest | null;
  close(): Promise<void>;
}

const ASIDE_TEXT = 'OK.';

/** Marks the prompt sent after a resume (the agents tier's resume test). */
export const RESUMED_MARK = 'BOOCODE-RESUMED';

/** The scripted turn a conversation is in: its prompt is contained in the request's newest prompt. */
export function turnOf(script: TurnScript[], state: ConversationState | null): number {
  if (!state || state.prompt === null) return -1;
  // A message sent to a resumed conversation is no scripted turn, even when a seed in it quotes them.
  if (state.prompt.includes(RESUMED_MARK)) return -1;
  // Later turns first: a prompt that contains an earlier one's text still means the later turn.
  for (let i = script.length - 1; i >= 0; i--) if (state.prompt.includes(script[i].prompt)) return i;
  return -1;
}

export function decide(script: TurnScript[], state: ConversationState | null, callNumber: number): ModelAction | null {
  if (!state) return null;
  const turn = turnOf(script, state);
  if (turn < 0) return { kind: 'aside', text: ASIDE_TEXT };
  const { tools, reply } = script[turn];
  if (state.toolResults < tools.length) return { kind: 'tool', step: tools[state.toolResults], callId: `call_${turn}_${state.toolResults}_${callNumber}` };
  return { kind: 'reply', text: reply };
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startMockServer(protocols: MockProtocol[], script: TurnScript[]): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const unmatched: string[] = [];
  let calls = 0;
  const server = http.createServer(async (incoming, response) => {
    try {
      const body = await readBody(incoming);
      let json: unknown;
      try {
        json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const request: MockRequest = { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body, json };
      const at = Date.now();
      const protocol = protocols.find((candidate) => candidate.matches(request));
      if (!protocol) {
        unmatched.push(`${request.method} ${request.url}`);
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `mock model server: no route for ${request.method} ${request.url}` } }));
        return;
      }
      const state = protocol.stateOf(request);
      const action = decide(script, state, ++calls);
      requests.push({ at, protocol: protocol.name, method: request.method, path: request.url.split('?')[0], state, turn: turnOf(script, state), action: action?.kind ?? 'none', body: body.toString('utf8') });
      await protocol.respond(request, response, action);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `mock model server: ${(error as Error).message}` } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    unmatched,
    firstRequestOfTurn(turn, since = 0) {
      return requests.find((r) => r.turn === turn && r.at >= since && r.state?.toolResults === 0) ?? null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
