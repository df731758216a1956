// A small upstream MCP server written with the SDK (@modelcontextprotocol/server) whose tools ask
// the client back while they run: elicitation, sampling, roots (2025-11-25 server-to-client
// requests). Each tool reports what it got, or the JSON-RPC error it was answered with, so that a
// test reads what reached the upstream. Over stdio, or Streamable HTTP with `--http <port>`.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const text = (value) => ({ content: [{ type: 'text', text: value }] });
const failed = (error) => ({ ...text(`refused ${error.code ?? '?'}: ${error.message}`), isError: true });
const readOnly = { readOnlyHint: true };
// Over HTTP, a request related to the call goes on the call's response stream. SDK 2.4.0's
// ctx.mcpReq.elicitInput / requestSampling do not relate by themselves (they use the standalone stream).
const related = (ctx) => ({ relatedRequestId: ctx.mcpReq.id });

function buildServer() {
  const server = new McpServer({ name: 'asking-upstream', version: '1.0.0' }, { capabilities: { logging: {} } });

  server.registerTool('confirm_delete', { description: 'Asks the person to confirm', inputSchema: z.object({ count: z.number().int() }), annotations: readOnly }, async ({ count }, ctx) => {
    try {
      const answer = await ctx.mcpReq.elicitInput({
        message: `Delete ${count} tickets?`,
        requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Confirm' }, reason: { type: 'string' } }, required: ['confirm'] },
      }, related(ctx));
      return text(`elicitation ${answer.action} ${JSON.stringify(answer.content ?? {})}`);
    } catch (error) {
      return failed(error);
    }
  });

  server.registerTool('ask_url', { description: 'Asks for a URL-mode elicitation', inputSchema: z.object({}), annotations: readOnly }, async (_args, ctx) => {
    try {
      const answer = await ctx.mcpReq.elicitInput({ mode: 'url', message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e1' });
      return text(`elicitation ${answer.action}`);
    } catch (error) {
      return failed(error);
    }
  });

  server.registerTool('summarize', { description: 'Asks the client model', inputSchema: z.object({ topic: z.string() }), annotations: readOnly }, async ({ topic }, ctx) => {
    try {
      const answer = await ctx.mcpReq.requestSampling({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }], maxTokens: 100 }, related(ctx));
      return text(`model ${answer.model} said: ${answer.content.type === 'text' ? answer.content.text : answer.content.type}`);
    } catch (error) {
      return failed(error);
    }
  });

  server.registerTool('list_roots', { description: 'Lists the client roots', inputSchema: z.object({}), annotations: readOnly }, async (_args, ctx) => {
    try {
      const { roots } = await server.server.listRoots(undefined, related(ctx));
      return text(`roots ${roots.map((root) => root.uri).join(' ')}`);
    } catch (error) {
      return failed(error);
    }
  });

  // Asks the client after its call has ended: a request tied to no call.
  let later = 'not yet';
  server.registerTool('ask_later', { description: 'Asks after answering', inputSchema: z.object({}), annotations: readOnly }, async () => {
    setTimeout(() => {
      server.server.elicitInput({ message: 'Still there?', requestedSchema: { type: 'object', properties: { yes: { type: 'boolean' } } } }).then(
        (answer) => (later = `elicitation ${answer.action}`),
        (error) => (later = `refused ${error.code ?? '?'}: ${error.message}`),
      );
    }, 100);
    return text('asked later');
  });
  server.registerTool('later_outcome', { description: 'What ask_later got', inputSchema: z.object({}), annotations: readOnly }, async () => text(later));

  server.registerTool('slow', { description: 'Answers after a while', inputSchema: z.object({ ms: z.number().int() }), annotations: readOnly }, async ({ ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return text('slow done');
  });

  server.registerTool('log_and_meta', { description: 'Logs, then answers with _meta', inputSchema: z.object({}), annotations: readOnly }, async (_args, ctx) => {
    await ctx.mcpReq.log('warning', { note: 'from the upstream' }, 'asking-upstream');
    return { ...text('logged'), _meta: { 'example.com/trace': 'abc-123', 'mcphub/replayed': true } };
  });

  return server;
}

if (process.argv[2] === '--http') {
  // One server and transport per session, as the SDK requires.
  const sessions = new Map();
  http
    .createServer(async (request, response) => {
      const id = request.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sessionId) => sessions.set(sessionId, transport) });
        await buildServer().connect(transport);
      }
      await transport.handleRequest(request, response);
    })
    .listen(Number(process.argv[3]), '127.0.0.1');
} else {
  await buildServer().connect(new StdioServerTransport());
}
