import { z } from 'zod';
import { defineConnector } from './define-connector';
import { defineTool } from './define-tool';
import { ToolExposureSchema, UnknownToolNameError, exposeTools } from './tool-exposure';

const hints = (readOnly: boolean) => ({ readOnlyHint: readOnly, destructiveHint: !readOnly, idempotentHint: readOnly, openWorldHint: false });
const tool = (name: string, readOnly: boolean) =>
  defineTool({
    name,
    description: name,
    input: z.object({}),
    output: z.object({}),
    annotations: hints(readOnly),
    handler: async () => ({ structured: {}, text: name }),
  });

const connector = defineConnector({
  id: 'acme',
  version: '1.0.0',
  toolsets: {
    tickets: [tool('get_ticket', true), tool('create_ticket', false)],
    comments: [tool('list_comments', true), tool('add_comment', false)],
  },
});

const offered = (config: unknown) => [...exposeTools(connector, ToolExposureSchema.parse(config)).tools.keys()];

describe('exposeTools', () => {
  it('offers only read-only tools by default, and every tool in write mode', () => {
    expect(offered({})).toEqual(['get_ticket', 'list_comments']);
    expect(offered({ writeMode: true })).toEqual(['get_ticket', 'create_ticket', 'list_comments', 'add_comment']);
  });

  it('keeps only the chosen toolsets', () => {
    expect(offered({ writeMode: true, toolsets: ['comments'] })).toEqual(['list_comments', 'add_comment']);
  });

  it('lets deny win over allow, and write mode off beat allow', () => {
    expect(offered({ writeMode: true, tools: { allow: ['get_ticket', 'add_comment'], deny: ['add_comment'] } })).toEqual(['get_ticket']);
    expect(offered({ tools: { allow: ['create_ticket', 'get_ticket'] } })).toEqual(['get_ticket']);
  });

  it('rebuilds the manifest and the toolsets from what is offered', () => {
    const exposed = exposeTools(connector, ToolExposureSchema.parse({ toolsets: ['tickets'] }));
    expect(exposed.manifest.tools.map((t) => t.name)).toEqual(['get_ticket']);
    expect(Object.fromEntries(exposed.toolsets)).toEqual({ tickets: ['get_ticket'], comments: [] });
  });

  it.each([
    [{ toolsets: ['ticket'] }, /no toolset "ticket"; its toolsets: tickets, comments/],
    [{ tools: { allow: ['get_tickets'] } }, /no tool "get_tickets"; its tools: get_ticket, create_ticket, list_comments, add_comment/],
    [{ tools: { deny: ['delete_ticket'] } }, /no tool "delete_ticket"/],
  ])('fails on an unknown name, listing the known ones: %j', (config, message) => {
    expect(() => offered(config)).toThrow(UnknownToolNameError);
    expect(() => offered(config)).toThrow(message);
  });

  it('refuses unknown keys and wrong types in the configuration block', () => {
    expect(ToolExposureSchema.safeParse({ writemode: true }).success).toBe(false);
    expect(ToolExposureSchema.safeParse({ writeMode: 'yes' }).success).toBe(false);
    expect(ToolExposureSchema.safeParse({ toolsets: [] }).success).toBe(false);
  });

  it('puts the tools of a connector without toolsets in the default toolset', () => {
    const plain = defineConnector({ id: 'plain', version: '1.0.0', tools: [tool('get_x', true)] });
    expect(Object.fromEntries(plain.toolsets)).toEqual({ default: ['get_x'] });
    expect(() => defineConnector({ id: 'both', version: '1.0.0', tools: [], toolsets: {} })).toThrow(/either toolsets or tools/);
  });
});
