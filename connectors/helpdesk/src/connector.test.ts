import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { helpdeskConnector } from './connector';
import { startHelpdesk } from './testing/helpdesk-testbed';

const READ_TOOLS = ['search_tickets', 'get_ticket'];
const WRITE_TOOLS = ['create_ticket', 'update_ticket', 'add_comment', 'transition_ticket', 'bulk_transition_tickets', 'assign_ticket'];
const exposed = (config: unknown) => exposeTools(helpdeskConnector, ToolExposureSchema.parse(config)).manifest;

describe('helpdesk connector', () => {
  it('offers only the read tools by default', () => {
    const manifest = exposed({});
    expect(manifest.tools.map((t) => t.name)).toEqual(READ_TOOLS);
    expect(manifest.resources.map((r) => r.uri)).toEqual(['helpdesk://queue']);
    expect(manifest.resourceTemplates.map((r) => r.uriTemplate)).toEqual(['helpdesk://tickets/{id}']);
    expect(manifest.prompts.map((p) => p.name)).toEqual(['triage_ticket', 'draft_reply']);
  });

  it('adds the write tools in write mode, read tools first, every write idempotent by key', () => {
    const manifest = exposed({ writeMode: true });
    expect(manifest.tools.map((t) => t.name)).toEqual([...READ_TOOLS, ...WRITE_TOOLS]);
    for (const tool of manifest.tools) {
      expect(tool.annotations.readOnlyHint).toBe(READ_TOOLS.includes(tool.name));
      expect(tool.annotations.openWorldHint).toBe(false);
      if (!tool.annotations.readOnlyHint) expect(Object.keys(tool.inputSchema['properties'] as object)).toContain('idempotency_key');
    }
  });

  it('groups its tools in the toolsets configuration names', () => {
    expect(Object.fromEntries(helpdeskConnector.toolsets)).toEqual({
      tickets: ['search_tickets', 'get_ticket', 'create_ticket', 'update_ticket'],
      comments: ['add_comment'],
      workflow: ['transition_ticket', 'bulk_transition_tickets', 'assign_ticket'],
    });
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

  it('keeps its published contract unless the snapshot is deliberately updated', () => {
    expect(exposed({ writeMode: true })).toMatchSnapshot({ contractVersion: expect.any(String) });
  });
});
