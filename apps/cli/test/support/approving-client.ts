import { Client } from '@modelcontextprotocol/client';

/**
 * An SDK client whose person approves every call the hub asks about (MCP elicitation, in band),
 * recording each question: outbound and destructive tools need an approval by default.
 */
export function approvingClient(name: string, asked: string[]): Client {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push(request.params.message);
    return { action: 'accept', content: { decision: 'approve' } };
  });
  return client;
}
