import { z } from 'zod';
import { InProcessBus } from '@mcp-hub/bus';
import { AnnouncementSchema, HeartbeatSchema, Subjects, decode, manifestDigest } from '@mcp-hub/connector-contract';
import { ConnectorHarness } from './testing';
import { defineConnector } from './define-connector';
import { defineTool } from './define-tool';
import { runConnector } from './connector-service';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const tool = (name: string, answer: string) =>
  defineTool<void, z.ZodObject, z.ZodObject>({
    name,
    description: name,
    input: z.object({}),
    output: z.object({ answer: z.string() }),
    annotations: readOnly,
    handler: async () => ({ structured: { answer }, text: answer }),
  });
const connector = (...tools: ReturnType<typeof tool>[]) => defineConnector<void>({ id: 'dyn', version: '1.0.0', tools });

describe('a connector whose offer changes while it runs (ConnectorService.update)', () => {
  it('serves new tools, stops serving removed ones, and re-announces with the new digest', async () => {
    const harness = await ConnectorHarness.start(connector(tool('first', 'one')), undefined);
    const announced: string[] = [];
    harness.bus.subscribe(new Subjects().registry('dyn', 'announce'), (m) => announced.push(decode(AnnouncementSchema, m.data).manifest.tools.map((t) => t.name).join(',')));
    const next = connector(tool('first', 'uno'), tool('second', 'two'));
    harness.service.update(next);
    await harness.bus.flush();
    expect(announced).toEqual(['first,second']);
    expect((await harness.callTool('first', {})).structuredContent).toEqual({ answer: 'uno' });
    expect((await harness.callTool('second', {})).structuredContent).toEqual({ answer: 'two' });
    harness.service.update(connector(tool('second', 'two')));
    await expect(harness.callTool('first', {}, { timeoutMs: 300 })).rejects.toThrow();
    await harness.stop();
  });

  it('heartbeats carry the digest of the manifest announced last', async () => {
    const bus = new InProcessBus();
    const digests: string[] = [];
    bus.subscribe(new Subjects().registry('dyn', 'heartbeat'), (m) => digests.push(decode(HeartbeatSchema, m.data).manifestDigest));
    const service = await runConnector(connector(tool('first', 'one')), { bus, deps: undefined, heartbeatMs: 20 });
    const next = connector(tool('second', 'two'));
    service.update(next);
    const count = digests.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(digests.slice(count)).toContain(manifestDigest(next.manifest));
    expect(digests.slice(count).every((d) => d === manifestDigest(next.manifest))).toBe(true);
    await service.stop();
    await bus.close();
  });

  it('refuses a definition of another connector', async () => {
    const harness = await ConnectorHarness.start(connector(tool('first', 'one')), undefined);
    expect(() => harness.service.update(defineConnector<void>({ id: 'other', version: '1', tools: [] }))).toThrow(/cannot become other/);
    await harness.stop();
  });
});
