// The Gemini API as Gemini CLI speaks it (GOOGLE_GEMINI_BASE_URL): POST
// /v1beta/models/<model>:streamGenerateContent?alt=sse for the agent loop, :generateContent for its
// JSON side calls (model routing, next-speaker checks), :countTokens. Tool calls are functionCall
// parts; their results come back as functionResponse parts in a user turn.
import type * as http from 'http';
import type { ConversationState, MockProtocol, MockRequest, ModelAction, ToolStep } from '../types';

interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: unknown;
  functionResponse?: unknown;
  [key: string]: unknown;
}

interface Content {
  role?: string;
  parts?: Part[];
}

interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
}

const pathOf = (request: MockRequest) => request.url.split('?')[0].replace(/\/+$/, '');
/** `generateContent` or `streamGenerateContent` etc.: the part after the model name's colon. */
const methodOf = (request: MockRequest) => /\/models\/[^/:]+:([A-Za-z]+)$/.exec(pathOf(request))?.[1] ?? null;

const isFunctionResponse = (part: Part) => part.functionResponse !== undefined;

/** A real prompt: a user turn with text and no tool results (those are user turns too). */
function isPrompt(content: Content): boolean {
  const parts = content.parts ?? [];
  return content.role === 'user' && !parts.some(isFunctionResponse) && parts.some((part) => typeof part.text === 'string');
}

/**
 * Gemini CLI's agent loop offers its tools and asks for text; its side calls (the router's
 * classifier, the next-speaker check) quote the conversation but ask for JSON and offer no tools,
 * so they must not be taken for the scripted turn.
 */
function isMainLoop(json: { tools?: { functionDeclarations?: unknown[] }[]; generationConfig?: { responseMimeType?: string } }): boolean {
  const hasTools = Array.isArray(json.tools) && json.tools.some((tool) => Array.isArray(tool.functionDeclarations) && tool.functionDeclarations.length > 0);
  return hasTools && json.generationConfig?.responseMimeType !== 'application/json';
}

function stateOf(request: MockRequest): ConversationState | null {
  const method = methodOf(request);
  if (request.method !== 'POST' || (method !== 'streamGenerateContent' && method !== 'generateContent')) return null;
  if (!request.json || !isMainLoop(request.json)) return null;
  const contents: Content[] = Array.isArray(request.json.contents) ? request.json.contents : [];
  let index = contents.length - 1;
  while (index >= 0 && !isPrompt(contents[index])) index--;
  if (index < 0) return { prompt: null, toolResults: 0 };
  const toolResults = contents
    .slice(index + 1)
    .filter((content) => content.role === 'user')
    .reduce((count, content) => count + (content.parts ?? []).filter(isFunctionResponse).length, 0);
  const prompt = (contents[index].parts ?? [])
    .filter((part) => typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
  return { prompt, toolResults };
}

/** Gemini CLI's own tools; write_file takes a path relative to the project root. */
function functionCall(step: ToolStep, callId: string): { id: string; name: string; args: Record<string, unknown> } {
  if (step.tool === 'write') return { id: callId, name: 'write_file', args: { file_path: step.path, content: step.content } };
  return { id: callId, name: 'run_shell_command', args: { command: step.command, description: 'Run a scripted command' } };
}

/**
 * A plain value a JSON schema accepts (first enum value, 1 for numbers since the router's
 * complexity_score must be 1-100): enough for the CLI's side calls.
 */
function valueFor(schema: Schema | undefined): unknown {
  if (!schema) return '';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch ((schema.type ?? '').toLowerCase()) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, valueFor(value)]));
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    default:
      return 'OK.';
  }
}

/**
 * A side call's answer. The next-speaker check gets "user" (the turn is over), the router gets
 * whatever its schema's first choice is; any other JSON call gets the schema's smallest value.
 */
function sideAnswer(json: { generationConfig?: { responseMimeType?: string; responseJsonSchema?: Schema; responseSchema?: Schema } } | undefined, text: string): string {
  const config = json?.generationConfig;
  if (config?.responseMimeType !== 'application/json') return text;
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const value = valueFor(schema);
  if (value && typeof value === 'object' && 'next_speaker' in value) (value as Record<string, unknown>).next_speaker = 'user';
  return JSON.stringify(value);
}

function partsFor(request: MockRequest, action: ModelAction | null): Part[] {
  if (action?.kind === 'tool') return [{ functionCall: functionCall(action.step, action.callId) }];
  return [{ text: action?.kind === 'reply' ? action.text : sideAnswer(request.json, action?.text ?? 'OK.') }];
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const usageMetadata = { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 };

function respond(request: MockRequest, response: http.ServerResponse, action: ModelAction | null): void {
  const method = methodOf(request);
  if (method === 'countTokens') return sendJson(response, 200, { totalTokens: 100 });
  if (method === 'embedContent' || method === 'batchEmbedContents') return sendJson(response, 200, { embeddings: [] });
  if (method !== 'streamGenerateContent' && method !== 'generateContent') {
    return sendJson(response, 404, { error: { code: 404, message: `mock: no ${request.method} ${pathOf(request)}`, status: 'NOT_FOUND' } });
  }
  const body = {
    candidates: [{ content: { role: 'model', parts: partsFor(request, action) }, finishReason: 'STOP', index: 0 }],
    usageMetadata,
    modelVersion: /\/models\/([^/:]+):/.exec(pathOf(request))?.[1] ?? 'gemini-mock',
    responseId: `mock-${Date.now()}`,
  };
  if (method === 'generateContent') return sendJson(response, 200, body);
  // alt=sse: one `data:` event holding the whole response, as the SDK reads line by line.
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
  response.end();
}

export const geminiProtocol: MockProtocol = {
  name: 'gemini',
  matches: (request) => /^\/v1(beta|alpha)?\/models\//.test(pathOf(request)),
  stateOf,
  respond,
};
