import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InMemoryIdempotencyStore, resolveConnectorConfig } from '@mcp-hub/connector-kit';
import { ConnectorHarness, ConnectorReplyError, toolTable, toolTableInReadme, withToolTable } from '@mcp-hub/connector-kit/testing';
import { connector } from './connector';
import { connectorModule } from './connector-module';
import { NoteStore, type Deps } from './note-store';

describe('{{id}} connector', () => {
  let harness: ConnectorHarness<Deps>;
  beforeEach(async () => {
    harness = await ConnectorHarness.start<Deps>(connector, { notes: new NoteStore(2), idempotency: new InMemoryIdempotencyStore() });
  });
  afterEach(() => harness.stop());

  it('adds a note once per idempotency key, lists it, and refuses a full store', async () => {
    const first = await harness.callTool('add_note', { text: 'call the supplier', idempotency_key: 'k1' });
    const repeat = await harness.callTool('add_note', { text: 'call the supplier', idempotency_key: 'k1' });
    expect(repeat.structuredContent).toEqual(first.structuredContent);
    expect((await harness.callTool('list_notes', {})).structuredContent).toMatchObject({ notes: [{ id: 1, text: 'call the supplier' }], truncated: false });
    await harness.callTool('add_note', { text: 'second' });
    await expect(harness.callTool('add_note', { text: 'third' })).rejects.toThrow(ConnectorReplyError);
  });

  it('serves the notes resource and the summarize prompt', async () => {
    await harness.callTool('add_note', { text: 'renew the certificate' });
    expect(JSON.stringify((await harness.readResource('{{id}}://notes')).contents)).toContain('renew the certificate');
    expect(JSON.stringify((await harness.getPrompt('summarize_notes', {})).messages)).toContain('renew the certificate');
  });

  it('reads its settings from the environment and names a bad one', () => {
    const sources = { embedded: false, dataDir: '', env: { '{{ID}}_MAX_NOTES': '5' } };
    expect(resolveConnectorConfig(connectorModule, sources).settings).toEqual({ maxNotes: 5 });
    expect(() => resolveConnectorConfig(connectorModule, { ...sources, fromFile: { maxNotez: 1 } })).toThrow('connectors.{{id}}: Unrecognized key: "maxNotez"');
  });

  it('lists its tools in the README (UPDATE_TOOL_TABLE=1 rewrites it)', () => {
    const readme = path.join(__dirname, '../README.md');
    const text = readFileSync(readme, 'utf8');
    if (process.env.UPDATE_TOOL_TABLE) writeFileSync(readme, withToolTable(text, toolTable(connector)));
    expect(toolTableInReadme(readFileSync(readme, 'utf8'))).toBe(toolTable(connector));
  });
});
