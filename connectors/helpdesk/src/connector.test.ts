import { createHelpdeskConnector, HELPDESK_TOOL_NAMES } from './connector';
import { startHelpdesk } from './testing/helpdesk-testbed';

const READ_TOOLS = ['search_tickets', 'get_ticket'];
const WRITE_TOOLS = ['create_ticket', 'update_ticket', 'add_comment', 'transition_ticket', 'assign_ticket'];

describe('helpdesk connector', () => {
  it('offers only the read tools when write mode is off', () => {
    const { manifest } = createHelpdeskConnector({ writeMode: false });
    expect(manifest.tools.map((t) => t.name)).toEqual(READ_TOOLS);
    expect(manifest.resources.map((r) => r.uri)).toEqual(['helpdesk://queue']);
    expect(manifest.resourceTemplates.map((r) => r.uriTemplate)).toEqual(['helpdesk://tickets/{id}']);
    expect(manifest.prompts.map((p) => p.name)).toEqual(['triage_ticket', 'draft_reply']);
  });

  it('adds the write tools in write mode, read tools first', () => {
    const { manifest } = createHelpdeskConnector({ writeMode: true });
    expect(manifest.tools.map((t) => t.name)).toEqual([...READ_TOOLS, ...WRITE_TOOLS]);
    expect(HELPDESK_TOOL_NAMES.sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
  });

  it('states every hint explicitly, never claims the open world, and has an output schema for every tool', () => {
    for (const tool of createHelpdeskConnector({ writeMode: true }).manifest.tools) {
      const { readOnlyHint, destructiveHint, idempotentHint, openWorldHint } = tool.annotations;
      expect([readOnlyHint, destructiveHint, idempotentHint, openWorldHint].every((hint) => typeof hint === 'boolean')).toBe(true);
      expect(openWorldHint).toBe(false);
      expect(readOnlyHint).toBe(READ_TOOLS.includes(tool.name));
      expect(tool.outputSchema).toMatchObject({ type: 'object' });
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      if (!readOnlyHint) expect(Object.keys(tool.inputSchema['properties'] as object)).toContain('idempotencyKey');
    }
  });

  it('does not serve write tools when write mode is off', async () => {
    const bed = await startHelpdesk({ writeMode: false });
    try {
      await expect(bed.harness.callTool('create_ticket', { subject: 's', body: 'b', requester: 'r' }, { timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'no_responders' });
      expect((await bed.store.queueOverview(1)).total).toBe(0);
    } finally {
      await bed.stop();
    }
  });

  it('filters tools by toolset, allow and deny, with deny and read-only mode winning', () => {
    const names = (options: Parameters<typeof createHelpdeskConnector>[0]) => createHelpdeskConnector(options).manifest.tools.map((t) => t.name);
    expect(names({ writeMode: true, toolsets: ['workflow'] })).toEqual(['transition_ticket', 'assign_ticket']);
    expect(names({ writeMode: true, allow: ['get_ticket', 'add_comment'] })).toEqual(['get_ticket', 'add_comment']);
    expect(names({ writeMode: true, allow: ['get_ticket', 'add_comment'], deny: ['add_comment'] })).toEqual(['get_ticket']);
    expect(names({ writeMode: false, allow: ['create_ticket', 'search_tickets'] })).toEqual(['search_tickets']);
  });

  it('stops on an unknown tool name instead of ignoring it', () => {
    expect(() => createHelpdeskConnector({ writeMode: true, deny: ['delete_ticket'] })).toThrow(/unknown helpdesk tool "delete_ticket"/);
  });

  it('keeps its published contract unless the snapshot is deliberately updated', () => {
    expect(createHelpdeskConnector({ writeMode: true }).manifest).toMatchSnapshot({ contractVersion: expect.any(String) });
  });
});
