// The OpenAI Responses API (POST {base}/responses, streamed as SSE events) as Codex CLI speaks it
// through a custom `model_providers` entry with wire_api = "responses". Codex needs only
// response.created, one response.output_item.done per output item and response.completed.
// Tool calls use whichever write/shell tool the request offers: Codex 0.171 offers `apply_patch` as
// a freeform (custom) tool and `exec_command` as its shell; older builds had `shell`/`local_shell`.
// Model lists get an empty list; other paths a 404.
import type * as http from 'http';
import type { ConversationState, MockProtocol, MockRequest, ModelAction, ToolStep } from '../types';

interface ContentPart {
  type?: string;
  text?: string;
}

interface InputItem {
  type?: string;
  role?: string;
  content?: string | ContentPart[];
}

interface Tool {
  type?: string;
  name?: string;
}

interface ResponsesBody {
  input?: InputItem[];
  tools?: Tool[];
  model?: string;
}

const pathOf = (request: MockRequest) => request.url.split('?')[0].replace(/\/+$/, '');
const isResponses = (request: MockRequest) => request.method === 'POST' && pathOf(request).endsWith('/responses');

/** Items that carry a tool's result back to the model. */
const TOOL_OUTPUTS = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output']);

function textOf(content: InputItem['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => part && (part.type === 'input_text' || part.type === 'text') && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/**
 * Codex sends context of its own as user messages (`<environment_context>…`, `# AGENTS.md
 * instructions…`, `<user_instructions>…`): those are not prompts the user typed.
 */
function isInjectedContext(text: string): boolean {
  const trimmed = text.trim();
  return /^<([a-z_]+)>[\s\S]*<\/\1>$/.test(trimmed) || trimmed.startsWith('# AGENTS.md instructions');
}

function stateOf(request: MockRequest): ConversationState | null {
  if (!isResponses(request)) return null;
  const body = (request.json ?? {}) as ResponsesBody;
  const input = Array.isArray(body.input) ? body.input : [];
  let index = input.length - 1;
  while (index >= 0 && !(input[index].type === 'message' && input[index].role === 'user' && !isInjectedContext(textOf(input[index].content)))) index--;
  if (index < 0) return { prompt: null, toolResults: 0 };
  const toolResults = input.slice(index + 1).filter((item) => TOOL_OUTPUTS.has(item.type ?? '')).length;
  return { prompt: textOf(input[index].content), toolResults };
}

const toolNamed = (tools: Tool[], name: string) => tools.find((tool) => tool.name === name || (tool.type === name && !tool.name));

/** Codex's patch format: the whole file added (the scripted writes create new files). */
function addFilePatch(path: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return ['*** Begin Patch', `*** Add File: ${path}`, ...lines.map((line) => `+${line}`), '*** End Patch', ''].join('\n');
}

/** The output item asking the agent to run one scripted step with the tool the request offers. */
function toolItem(step: ToolStep, callId: string, request: MockRequest): Record<string, unknown> {
  const tools = Array.isArray((request.json as ResponsesBody)?.tools) ? (request.json as ResponsesBody).tools! : [];
  const offered = () => tools.map((tool) => tool.name ?? tool.type).join(', ');
  const id = `fc_${callId}`;
  if (step.tool === 'write') {
    const tool = toolNamed(tools, 'apply_patch');
    if (!tool) throw new Error(`openaiResponses mock: no apply_patch tool among [${offered()}]`);
    const patch = addFilePatch(step.path, step.content);
    // Freeform tools take the raw patch; the JSON-function flavour wraps it as {input}.
    if (tool.type === 'custom') return { type: 'custom_tool_call', id, status: 'completed', call_id: callId, name: 'apply_patch', input: patch };
    return { type: 'function_call', id, status: 'completed', call_id: callId, name: 'apply_patch', arguments: JSON.stringify({ input: patch }) };
  }
  if (toolNamed(tools, 'exec_command')) {
    return { type: 'function_call', id, status: 'completed', call_id: callId, name: 'exec_command', arguments: JSON.stringify({ cmd: step.command }) };
  }
  if (toolNamed(tools, 'shell_command')) {
    return { type: 'function_call', id, status: 'completed', call_id: callId, name: 'shell_command', arguments: JSON.stringify({ command: step.command }) };
  }
  if (toolNamed(tools, 'shell')) {
    return { type: 'function_call', id, status: 'completed', call_id: callId, name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', step.command] }) };
  }
  if (toolNamed(tools, 'local_shell')) {
    return { type: 'local_shell_call', id, status: 'completed', call_id: callId, action: { type: 'exec', command: ['bash', '-lc', step.command], env: {} } };
  }
  throw new Error(`openaiResponses mock: no shell tool among [${offered()}]`);
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const USAGE = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 };

let responseCount = 0;

function respond(request: MockRequest, response: http.ServerResponse, action: ModelAction | null): void {
  const route = pathOf(request);
  if (request.method === 'GET' && route.endsWith('/models')) return sendJson(response, 200, { object: 'list', data: [], models: [] });
  if (!isResponses(request)) return sendJson(response, 404, { error: { message: `mock: no ${request.method} ${route}`, type: 'not_found' } });

  const responseId = `resp_mock_${++responseCount}`;
  const model = (request.json as ResponsesBody)?.model ?? 'mock';
  const item =
    action?.kind === 'tool'
      ? toolItem(action.step, action.callId, request)
      : { type: 'message', id: `msg_mock_${responseCount}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: action?.text ?? 'OK.', annotations: [] }] };
  const base = { id: responseId, object: 'response', created_at: Math.floor(Date.now() / 1000), model };

  // Codex always streams; a non-streaming caller still gets the finished response.
  if ((request.json as { stream?: boolean })?.stream === false) {
    return sendJson(response, 200, { ...base, status: 'completed', output: [item], usage: USAGE });
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    response.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
  event('response.created', { response: { ...base, status: 'in_progress', output: [] } });
  event('response.output_item.added', { output_index: 0, item });
  event('response.output_item.done', { output_index: 0, item });
  event('response.completed', { response: { ...base, status: 'completed', output: [item], usage: USAGE } });
  response.end();
}

export const openaiResponsesProtocol: MockProtocol = {
  name: 'openai-responses',
  matches: (request) => isResponses(request) || (request.method === 'GET' && pathOf(request).endsWith('/models')),
  stateOf,
  respond,
};
