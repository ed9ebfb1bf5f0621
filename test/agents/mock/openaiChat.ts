// The OpenAI Chat Completions API (POST {base}/chat/completions, streamed as `data:` chunks with
// tool_calls deltas), as spoken by opencode's openai-compatible provider and Copilot CLI's
// bring-your-own-model provider. Model lists get an empty list; other paths a 404.
// Tool calls use whichever write/shell tool the request offers, with arguments fitted to its schema.
import type * as http from 'http';
import type { ConversationState, MockProtocol, MockRequest, ModelAction, ToolStep } from '../types';

interface Part {
  type?: string;
  text?: string;
}

interface Message {
  role: string;
  content?: string | Part[] | null;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
}

interface Tool {
  type?: string;
  function?: { name?: string; parameters?: JsonSchema };
}

const pathOf = (request: MockRequest) => request.url.split('?')[0].replace(/\/+$/, '');
const isCompletions = (request: MockRequest) => request.method === 'POST' && pathOf(request).endsWith('/chat/completions');

function textOf(content: Message['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => part && part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

function toolsOf(json: { tools?: Tool[] } | undefined): Tool[] {
  return Array.isArray(json?.tools) ? json!.tools!.filter((tool) => typeof tool?.function?.name === 'string') : [];
}

/** Names each agent gives its tools: opencode `write`/`bash`, Copilot CLI `create`/`bash`, others by analogy. */
const WRITE_TOOLS = ['write', 'create', 'write_file', 'Write'];
const SHELL_TOOLS = ['bash', 'shell', 'run_shell_command', 'Bash'];

function findTool(tools: Tool[], names: string[]): Tool | undefined {
  for (const name of names) {
    const tool = tools.find((candidate) => candidate.function!.name === name);
    if (tool) return tool;
  }
  return undefined;
}

/**
 * Side calls (session titles, summaries) offer no tools yet quote the prompt: they are not the
 * scripted turn, so they get no state (and an aside answer).
 */
function isMainLoop(json: { tools?: Tool[] } | undefined): boolean {
  const tools = toolsOf(json);
  return !!findTool(tools, WRITE_TOOLS) || !!findTool(tools, SHELL_TOOLS);
}

function stateOf(request: MockRequest): ConversationState | null {
  if (!isCompletions(request) || !isMainLoop(request.json)) return null;
  const messages: Message[] = Array.isArray(request.json.messages) ? request.json.messages : [];
  let index = messages.length - 1;
  while (index >= 0 && messages[index].role !== 'user') index--;
  if (index < 0) return { prompt: null, toolResults: 0 };
  const toolResults = messages.slice(index + 1).filter((message) => message.role === 'tool').length;
  return { prompt: textOf(messages[index].content), toolResults };
}

/** The working directory the agent states in its system prompt, for tools that want absolute paths. */
function cwdOf(json: { messages?: Message[] }): string | null {
  const system = (json.messages ?? [])
    .filter((message) => message.role === 'system')
    .map((message) => textOf(message.content))
    .join('\n');
  const match = system.match(/(?:Working directory|Current working directory|working directory is|cwd)\s*[:=]?\s*(\/[^\s<>"'`]+)/i);
  return match ? match[1].replace(/[.,;]+$/, '') : null;
}

const firstKey = (properties: Record<string, JsonSchema>, keys: string[]) => keys.find((key) => key in properties);

/** A harmless value for a required parameter we have nothing scripted for (a description, a mode…). */
function filler(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'boolean') return false;
  if (type === 'number' || type === 'integer') return 30;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return 'Scripted by the mock model';
}

function toolCall(step: ToolStep, request: MockRequest): { name: string; args: Record<string, unknown> } {
  const tools = toolsOf(request.json);
  const tool = findTool(tools, step.tool === 'write' ? WRITE_TOOLS : SHELL_TOOLS);
  if (!tool) {
    const offered = tools.map((candidate) => candidate.function!.name).join(', ');
    throw new Error(`openaiChat mock: no ${step.tool} tool among [${offered}]`);
  }
  const schema = tool.function!.parameters ?? {};
  const properties = schema.properties ?? {};
  const args: Record<string, unknown> = {};
  if (step.tool === 'write') {
    // Tools that want an absolute path say so; a relative one is resolved against the stated cwd.
    const cwd = cwdOf(request.json);
    const filePath = step.path.startsWith('/') || !cwd ? step.path : `${cwd.replace(/\/+$/, '')}/${step.path}`;
    args[firstKey(properties, ['filePath', 'file_path', 'path', 'absolute_path']) ?? 'path'] = filePath;
    args[firstKey(properties, ['content', 'file_text', 'contents', 'text']) ?? 'content'] = step.content;
  } else {
    args[firstKey(properties, ['command', 'cmd']) ?? 'command'] = step.command;
  }
  for (const key of schema.required ?? []) {
    if (!(key in args) && properties[key]) args[key] = filler(properties[key]);
  }
  return { name: tool.function!.name!, args };
}

let completionCount = 0;

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const USAGE = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };

function respond(request: MockRequest, response: http.ServerResponse, action: ModelAction | null): void {
  const route = pathOf(request);
  if (request.method === 'GET' && route.endsWith('/models')) return sendJson(response, 200, { object: 'list', data: [] });
  if (!isCompletions(request)) return sendJson(response, 404, { error: { message: `mock: no ${request.method} ${route}`, type: 'not_found' } });

  const id = `chatcmpl-mock-${++completionCount}`;
  const model = request.json?.model ?? 'mock';
  const created = Math.floor(Date.now() / 1000);
  const call = action?.kind === 'tool' ? { id: action.callId, ...toolCall(action.step, request) } : null;
  const text = call ? null : action && action.kind !== 'tool' ? action.text : 'OK.';
  const finishReason = call ? 'tool_calls' : 'stop';

  if (!request.json?.stream) {
    const message = call
      ? { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } }] }
      : { role: 'assistant', content: text };
    return sendJson(response, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finishReason }], usage: USAGE });
  }

  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
  if (call) {
    // Name first, then the arguments, as real servers split them.
    chunk([{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, finish_reason: null }]);
    chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: JSON.stringify(call.args) } }] }, finish_reason: null }]);
  } else {
    chunk([{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }]);
  }
  chunk([{ index: 0, delta: {}, finish_reason: finishReason }]);
  if (request.json?.stream_options?.include_usage) chunk([], { usage: USAGE });
  response.write('data: [DONE]\n\n');
  response.end();
}

export const openaiChatProtocol: MockProtocol = {
  name: 'openai-chat',
  matches: (request) => isCompletions(request) || (request.method === 'GET' && pathOf(request).endsWith('/models')),
  stateOf,
  respond,
};
