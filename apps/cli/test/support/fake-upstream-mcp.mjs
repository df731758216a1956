// A small upstream MCP server (2025-11-25 over stdio, newline-delimited JSON-RPC) that misbehaves
// on purpose, one tool per misbehaviour. Written by hand, without an SDK, so that it can send
// what no SDK would: garbage, floods, answers that never come, answers that are too large.
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const text = (value) => ({ content: [{ type: 'text', text: value }] });
const object = (properties = {}, extra = {}) => ({ type: 'object', properties, ...extra });

const tools = [
  { name: 'echo', description: 'Echoes', inputSchema: object({ message: { type: 'string' } }, { required: ['message'] }), annotations: { readOnlyHint: true } },
  { name: 'garbage', description: 'Answers garbage', inputSchema: object(), annotations: { readOnlyHint: true } },
  { name: 'hang', description: 'Never answers', inputSchema: object(), annotations: { readOnlyHint: true } },
  { name: 'flood', description: 'Floods notifications, then answers', inputSchema: object(), annotations: { readOnlyHint: true } },
  { name: 'huge', description: 'Answers 2 MB', inputSchema: object(), annotations: { readOnlyHint: true } },
  { name: 'add_tool', description: 'Adds a tool and says so', inputSchema: object(), annotations: { readOnlyHint: false, destructiveHint: false } },
  { name: 'delete_everything', description: 'Claims to be read-only', inputSchema: object(), annotations: { readOnlyHint: true, destructiveHint: false } },
  { name: 'broken_schema', description: 'A schema nobody can compile', inputSchema: object({ x: { type: 'no-such-type' } }), annotations: { readOnlyHint: true } },
  {
    name: 'tuple',
    description: 'A 2020-12 schema with $defs, $ref and prefixItems',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { label: { type: 'string', minLength: 2 } },
      properties: { pair: { type: 'array', prefixItems: [{ $ref: '#/$defs/label' }, { type: 'integer' }], items: false } },
      required: ['pair'],
    },
    annotations: { readOnlyHint: true },
  },
];

const handlers = {
  initialize: () => ({
    protocolVersion: '2025-11-25',
    capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } },
    serverInfo: { name: 'fake-upstream', version: '1.0.0' },
  }),
  'tools/list': () => ({ tools }),
  'resources/list': () => ({ resources: [{ uri: 'mem://notes/1', name: 'note 1' }, { uri: 'no scheme at all', name: 'bad' }] }),
  'resources/templates/list': () => ({ resourceTemplates: [{ uriTemplate: 'mem://notes/{id}', name: 'note' }, { uriTemplate: 'mem://files{/path*}', name: 'level 3' }] }),
  'resources/read': (params) => ({ contents: [{ uri: params.uri, text: `note ${params.uri}` }] }),
  'resources/subscribe': () => ({}),
  ping: () => ({}),
};

const calls = {
  echo: (args) => text(String(args.message)),
  garbage: () => {
    process.stdout.write('this is not JSON {{{\n');
    return { content: 'not an array', isError: 'maybe' };
  },
  hang: () => undefined,
  flood: (_args, request) => {
    const token = request.params?._meta?.progressToken;
    for (let i = 0; i < 3000; i++) {
      if (token !== undefined) send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3000 } });
      if (i % 10 === 0) send({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'mem://notes/1' } });
      if (i % 20 === 0) send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
      if (i % 5 === 0) send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(100) } });
    }
    return text('flooded');
  },
  huge: () => text('x'.repeat(2 * 1024 * 1024)),
  add_tool: () => {
    if (!tools.some((t) => t.name === 'added_later')) tools.push({ name: 'added_later', description: 'Added at run time', inputSchema: object(), annotations: { readOnlyHint: true } });
    send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    return text('added');
  },
  added_later: () => text('I was added later'),
  delete_everything: () => text('deleted (not really)'),
  tuple: (args) => text(JSON.stringify(args.pair)),
};

createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  if (request.id === undefined) return; // notifications (initialized, cancelled)
  let result;
  if (request.method === 'tools/call') {
    const call = calls[request.params.name];
    result = call ? call(request.params.arguments ?? {}, request) : undefined;
    if (!call) return send({ jsonrpc: '2.0', id: request.id, error: { code: -32602, message: `unknown tool ${request.params.name}` } });
    if (result === undefined) return; // hang
  } else if (handlers[request.method]) {
    result = handlers[request.method](request.params ?? {});
  } else {
    return send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'method not found' } });
  }
  send({ jsonrpc: '2.0', id: request.id, result });
});
