import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { mqttConnector } from './connector';

const exposed = (config: unknown) => exposeTools(mqttConnector, ToolExposureSchema.parse(config)).manifest;

describe('mqtt connector', () => {
  it('offers only the telemetry tools by default, publish in write mode, and nothing but publish in the commands toolset', () => {
    expect(exposed({}).tools.map((t) => t.name)).toEqual(['list_topics', 'get_latest', 'get_history']);
    expect(exposed({ writeMode: true }).tools.map((t) => t.name)).toEqual(['list_topics', 'get_latest', 'get_history', 'publish']);
    expect(exposed({ writeMode: true, toolsets: ['commands'] }).tools.map((t) => t.name)).toEqual(['publish']);
    const publish = exposed({ writeMode: true }).tools.find((t) => t.name === 'publish')!;
    expect(publish.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });
    expect(Object.keys(publish.inputSchema['properties'] as object)).toContain('idempotency_key');
  });

  it('keeps its published contract unless the snapshot is deliberately updated', () => {
    expect(exposed({ writeMode: true })).toMatchSnapshot({ contractVersion: expect.any(String) });
  });
});
