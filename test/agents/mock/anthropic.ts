// The Anthropic Messages API as Claude Code speaks it: POST /v1/messages?beta=true, streamed as
// server-sent events, plus its side calls (count_tokens, model lists, HEAD /api/hello), which get
// harmless answers.
import type * as http from 'http';
import type { ConversationState, MockProtocol, MockRequest, ModelAction, ToolStep } from '../types';

interface Block {
  type: string;
  text?: string;
  [key: string]: unknown;
}

interface Message {
  role: string;
  content: string | Block[];
}

const pathOf = (request: MockRequest) => request.url.split('?')[0].replace(/\/+$/, '');
const isMessages = (request: MockRequest) => request.method === 'POST' && pathOf(request) === '/v1/messages';

/** Text of every text block (Claude Code wraps the prompt in <system-reminder> blocks: keep them all). */
function textOf(content: string | Block[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text)
    .join('\n');
}

/** A real prompt: plain text, or text blocks with no tool results (those come back as user messages too). */
function isPrompt(message: Message): boolean {
  if (message.role !== 'user') return false;
  if (typeof message.content === 'string') return true;
  return !message.content.some((block) => block.type === 'tool_result') && message.content.some((block) => block.type === 'text');
}

/**
 * Claude Code's main loop offers its tools; its side calls (session titles, topic checks,
 * summaries) offer none yet quote the prompt, so they must not be taken for the scripted turn.
 */
function isMainLoop(json: { tools?: { name?: string }[] }): boolean {
  return Array.isArray(json.tools) && json.tools.some((tool) => tool.name === 'Bash' || tool.name === 'Write');
}

function stateOf(request: MockRequest): ConversationState | null {
  if (!isMessages(request) || !request.json || !isMainLoop(request.json)) return null;
  const messages: Message[] = Array.isArray(request.json.messages) ? request.json.messages : [];
  let index = messages.length - 1;
  while (index >= 0 && !isPrompt(messages[index])) index--;
  if (index < 0) return { prompt: null, toolResults: 0 };
  let toolResults = 0;
  for (const message of messages.slice(index + 1)) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    toolResults += message.content.filter((block) => block.type === 'tool_result').length;
  }
  return { prompt: textOf(messages[index].content), toolResults };
}

/** Claude Code's own tools: Write wants an absolute path (the cwd comes from the request). */
function toolCall(step: ToolStep, cwd: string): { name: string; input: Record<string, unknown> } {
  if (step.tool === 'write') {
    const filePath = step.path.startsWith('/') ? step.path : `${cwd.replace(/\/+$/, '')}/${step.path}`;
    return { name: 'Write', input: { file_path: filePath, content: step.content } };
  }
  return { name: 'Bash', input: { command: step.command, description: 'Run a scripted command' } };
}

/**
 * The working directory Claude Code states ("Primary working directory: …"), for an absolute Write
 * path. 2.1.332 puts it in a role:"system" entry of `messages`; older versions in `system`.
 */
function cwdOf(json: { system?: string | Block[]; messages?: Message[] }): string {
  const texts = [json.system ?? '', ...(json.messages ?? []).map((message) => message.content)].map((content) =>
    typeof content === 'string' ? content : textOf(content),
  );
  for (const text of texts) {
    const match = text.match(/Primary working directory:\s*(\S+)/);
    if (match) return match[1];
  }
  throw new Error('anthropic mock: no "Primary working directory" in the request, cannot make an absolute Write path');
}

type Content = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function contentFor(request: MockRequest, action: ModelAction | null): Content[] {
  if (action?.kind === 'tool') return [{ type: 'tool_use', id: action.callId, ...toolCall(action.step, cwdOf(request.json)) }];
  return [{ type: 'text', text: action?.text ?? 'OK.' }];
}

let messageCount = 0;

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(response.req?.method === 'HEAD' ? undefined : text);
}

/** The whole message as one SSE stream: message_start, one block each (text or tool input as JSON), message_delta, message_stop. */
function streamMessage(response: http.ServerResponse, message: Record<string, unknown>, content: Content[], stopReason: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (type: string, data: Record<string, unknown>) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', { message: { ...message, content: [], stop_reason: null } });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { ...block, input: {} } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 10 } });
  send('message_stop', {});
  response.end();
}

function respond(request: MockRequest, response: http.ServerResponse, action: ModelAction | null): void {
  const route = pathOf(request);
  if (route === '/v1/messages/count_tokens') return sendJson(response, 200, { input_tokens: 100 });
  // Its connectivity check (sent unless CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is set).
  if (route === '/api/hello') return sendJson(response, 200, {});
  if (request.method === 'GET' && route.startsWith('/v1/models')) {
    return sendJson(response, 200, { data: [], has_more: false, first_id: null, last_id: null });
  }
  if (!isMessages(request)) return sendJson(response, 404, { type: 'error', error: { type: 'not_found_error', message: `mock: no ${route}` } });
  const content = contentFor(request, action);
  const stopReason = action?.kind === 'tool' ? 'tool_use' : 'end_turn';
  const message = {
    id: `msg_mock_${++messageCount}`,
    type: 'message',
    role: 'assistant',
    model: request.json?.model ?? 'claude-mock',
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
  if (request.json?.stream) return streamMessage(response, message, content, stopReason);
  sendJson(response, 200, { ...message, content, stop_reason: stopReason });
}

export const anthropicProtocol: MockProtocol = {
  name: 'anthropic',
  matches: (request) =>
    pathOf(request).startsWith('/v1/messages') || pathOf(request) === '/api/hello' || (request.method === 'GET' && pathOf(request).startsWith('/v1/models')),
  stateOf,
  respond,
};
