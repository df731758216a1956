import type { Server } from '@modelcontextprotocol/server';
import { SessionTable, type McpSession } from './session-table';

interface TestSession extends McpSession {
  principal?: string;
  sent: string[];
}

function session(principal?: string): TestSession {
  const sent: string[] = [];
  const server = {
    sendToolListChanged: async () => void sent.push('tools'),
    sendResourceListChanged: async () => void sent.push('resources'),
    sendPromptListChanged: async () => void sent.push('prompts'),
  } as unknown as Server;
  return { server, subscriptions: new Set(), close: async () => undefined, principal, sent };
}

describe('SessionTable list_changed', () => {
  it('a policy edit reaches only the sessions of the principals whose lists changed; sessions of unknown principals hear it anyway', () => {
    const table = new SessionTable<TestSession>();
    const [alice, bob, anonymous] = [session('alice'), session('bob'), session()];
    table.add('a', alice);
    table.add('b', bob);
    table.add('c', anonymous);
    table.notifyListChanged({ tools: true, resources: false, prompts: true, principals: new Set(['alice']) }, (s) => s.principal);
    expect(alice.sent).toEqual(['tools', 'prompts']);
    expect(bob.sent).toEqual([]);
    expect(anonymous.sent).toEqual(['tools', 'prompts']);
  });

  it('a change naming no principals (a connector joined) reaches every session', () => {
    const table = new SessionTable<TestSession>();
    const [alice, bob] = [session('alice'), session('bob')];
    table.add('a', alice);
    table.add('b', bob);
    table.notifyListChanged({ tools: false, resources: true, prompts: false }, (s) => s.principal);
    expect([alice.sent, bob.sent]).toEqual([['resources'], ['resources']]);
  });
});
