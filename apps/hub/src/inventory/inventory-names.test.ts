import { CONTRACT_VERSION, ManifestSchema, manifestDigest, type Manifest } from '@mcp-hub/connector-contract';
import { Inventory, type NameCollision } from './inventory';

const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function manifest(id: string, tools: string[], prompts: string[] = []): Manifest {
  return ManifestSchema.parse({
    id,
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    tools: tools.map((name) => ({ name, description: name, inputSchema: { type: 'object' }, annotations })),
    prompts: prompts.map((name) => ({ name })),
  });
}

describe('Inventory names: prefixes and collisions', () => {
  const announce = (inventory: Inventory, replica: string, m: Manifest) => inventory.announce(replica, m, manifestDigest(m), 1000, 0);

  it('uses a configured prefix, or none, instead of the connector id', () => {
    const inventory = new Inventory(undefined, new Map([['fs', ''], ['everything', 'ev']]));
    announce(inventory, 'f1', manifest('fs', ['read_file'], ['summarize']));
    announce(inventory, 'e1', manifest('everything', ['echo']));
    announce(inventory, 'h1', manifest('helpdesk', ['get_ticket']));
    expect(inventory.tools().map((t) => t.qualifiedName).sort()).toEqual(['ev_echo', 'helpdesk_get_ticket', 'read_file']);
    expect(inventory.tool('read_file')?.subject).toBe('mcphub.v2.fs.invoke.read_file');
    expect(inventory.prompt('summarize')?.connector).toBe('fs');
  });

  it('refuses the later connector its colliding tools and prompts, reports each collision once, and keeps the rest', () => {
    const inventory = new Inventory(undefined, new Map([['fs', ''], ['other', '']]));
    const collisions: NameCollision[] = [];
    inventory.on('collision', (c) => collisions.push(c));
    announce(inventory, 'f1', manifest('fs', ['read_file', 'list_dir'], ['explain']));
    announce(inventory, 'o1', manifest('other', ['read_file', 'write_note'], ['explain']));
    expect(inventory.tool('read_file')?.connector).toBe('fs');
    expect(inventory.tool('write_note')?.connector).toBe('other');
    expect(inventory.prompt('explain')?.connector).toBe('fs');
    expect(collisions).toEqual([
      { kind: 'tool', name: 'read_file', kept: 'fs', refused: 'other' },
      { kind: 'prompt', name: 'explain', kept: 'fs', refused: 'other' },
    ]);
    // Another replica of the later connector changes nothing, and is not reported again.
    announce(inventory, 'o2', manifest('other', ['read_file', 'write_note', 'more'], ['explain']));
    expect(collisions).toHaveLength(2);
    expect(inventory.tool('read_file')?.connector).toBe('fs');
  });

  it('a connector that arrives later never takes a name, even one whose id sorts first', () => {
    const inventory = new Inventory(undefined, new Map([['zeta', ''], ['alpha', '']]));
    announce(inventory, 'z1', manifest('zeta', ['search']));
    announce(inventory, 'a1', manifest('alpha', ['search']));
    expect(inventory.tool('search')?.connector).toBe('zeta');
    // When the first leaves, the later one gets the name.
    inventory.remove('zeta', 'z1');
    expect(inventory.tool('search')?.connector).toBe('alpha');
  });

  it('refuses an announcement whose names would pass 64 characters with the configured prefix', () => {
    const inventory = new Inventory(undefined, new Map([['long', 'a_rather_long_prefix_for_tools']]));
    const result = announce(inventory, 'l1', manifest('long', ['a_tool_name_that_is_long_enough_to_pass_the_cap']));
    expect(result).toEqual({ accepted: false, reason: expect.stringContaining('the limit is 64') });
  });
});
