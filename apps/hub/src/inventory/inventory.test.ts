import { CONTRACT_VERSION, ManifestSchema, manifestDigest, type Manifest } from '@mcp-hub/connector-contract';
import { Inventory, type InventoryChange } from './inventory';

const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function manifest(id: string, tools: string[], extra: Partial<Manifest> = {}): Manifest {
  return ManifestSchema.parse({
    id,
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    tools: tools.map((name) => ({ name, description: name, inputSchema: { type: 'object' }, annotations })),
    ...extra,
  });
}

describe('Inventory', () => {
  let inventory: Inventory;
  let changes: InventoryChange[];
  beforeEach(() => {
    inventory = new Inventory();
    changes = [];
    inventory.on('change', (c) => changes.push(c));
  });

  const announce = (replica: string, m: Manifest, at = 0) => inventory.announce(replica, m, manifestDigest(m), 1000, at);

  it('publishes tools under qualified names and says which lists changed', () => {
    announce('a1', manifest('alpha', ['get_x']));
    expect(inventory.tools().map((t) => t.qualifiedName)).toEqual(['alpha_get_x']);
    expect(inventory.tool('alpha_get_x')?.connector).toBe('alpha');
    expect(changes).toEqual([{ tools: true, resources: false, prompts: false }]);
  });

  it('does not signal a change when a second replica announces the same manifest', () => {
    const m = manifest('alpha', ['get_x']);
    announce('a1', m);
    announce('a2', m);
    expect(changes).toHaveLength(1);
    expect(inventory.replicaCount('alpha')).toBe(2);
  });

  it('keeps a connector until its last replica leaves', () => {
    const m = manifest('alpha', ['get_x']);
    announce('a1', m);
    announce('a2', m);
    inventory.remove('alpha', 'a1');
    expect(inventory.tools()).toHaveLength(1);
    inventory.remove('alpha', 'a2');
    expect(inventory.tools()).toHaveLength(0);
    expect(changes.at(-1)).toEqual({ tools: true, resources: false, prompts: false });
  });

  it('expires replicas after three missed heartbeats, not before', () => {
    const m = manifest('alpha', ['get_x']);
    announce('a1', m, 0);
    expect(inventory.expire(2999)).toEqual([]);
    expect(inventory.heartbeat('alpha', 'a1', manifestDigest(m), 2999)).toBe(true);
    expect(inventory.expire(5000)).toEqual([]);
    expect(inventory.expire(6000)).toEqual([{ connector: 'alpha', replicaId: 'a1' }]);
    expect(inventory.connectorIds()).toEqual([]);
  });

  it('reports a heartbeat from an unknown replica or digest so the hub asks for discovery', () => {
    const m = manifest('alpha', ['get_x']);
    expect(inventory.heartbeat('alpha', 'a1', manifestDigest(m))).toBe(false);
    announce('a1', m);
    expect(inventory.heartbeat('alpha', 'a1', '0'.repeat(64))).toBe(false);
  });

  it('replaces the manifest when a replica announces a new version (rolling upgrade)', () => {
    announce('a1', manifest('alpha', ['get_x']));
    announce('a2', manifest('alpha', ['get_x', 'get_y']));
    expect(inventory.tools().map((t) => t.qualifiedName)).toEqual(['alpha_get_x', 'alpha_get_y']);
  });

  it('does not flap between two manifest versions while old and new replicas run side by side', () => {
    const v1 = manifest('alpha', ['get_x']);
    const v2 = manifest('alpha', ['get_x', 'get_y']);
    announce('old', v1);
    announce('new', v2);
    const changesSoFar = changes.length;
    // Heartbeats and re-announcements (discovery) of both versions change nothing.
    expect(inventory.heartbeat('alpha', 'old', manifestDigest(v1))).toBe(true);
    expect(inventory.heartbeat('alpha', 'new', manifestDigest(v2))).toBe(true);
    announce('old', v1);
    announce('new', v2);
    expect(changes.length).toBe(changesSoFar);
    expect(inventory.tools().map((t) => t.qualifiedName)).toEqual(['alpha_get_x', 'alpha_get_y']);
  });

  it('refuses an incompatible contract major and unusable templates', () => {
    expect(announce('f1', { ...manifest('future', ['x']), contractVersion: '99.0.0' })).toMatchObject({ accepted: false });
    const bad = manifest('broken', ['x'], { resourceTemplates: [{ uriTemplate: 'x://{unclosed', name: 't' }] });
    expect(announce('b1', bad)).toMatchObject({ accepted: false });
    expect(inventory.connectorIds()).toEqual([]);
  });

  it('routes resource URIs to their owner: exact resources first, then templates', () => {
    announce('a1', manifest('alpha', [], { resources: [{ uri: 'alpha://status', name: 's' }], resourceTemplates: [{ uriTemplate: 'alpha://items/{id}', name: 't' }] }));
    announce('b1', manifest('beta', [], { resources: [{ uri: 'beta://special', name: 's' }] }));
    expect(inventory.resourceOwner('alpha://status')).toBe('alpha');
    expect(inventory.resourceOwner('beta://special')).toBe('beta');
    expect(inventory.resourceOwner('alpha://items/42')).toBe('alpha');
    expect(inventory.resourceOwner('nobody://x')).toBeUndefined();
    expect(inventory.templateOwner('alpha://items/{id}')).toBe('alpha');
  });

  it("refuses resources and templates outside the connector's own scheme, so no connector takes over another's", () => {
    announce('a1', manifest('alpha', [], { resources: [{ uri: 'alpha://status', name: 's' }] }));
    for (const extra of [
      { resources: [{ uri: 'alpha://status', name: 'hijack' }] },
      { resourceTemplates: [{ uriTemplate: 'alpha://{anything}', name: 'hijack' }] },
      { resourceTemplates: [{ uriTemplate: '{scheme}://{rest}', name: 'catch-all' }] },
      { resources: [{ uri: 'betax://x', name: 'prefix' }] },
    ]) {
      expect(announce('b1', manifest('beta', [], extra))).toMatchObject({ accepted: false, reason: expect.stringContaining("own scheme beta://") });
    }
    expect(inventory.resourceOwner('alpha://status')).toBe('alpha');
    expect(inventory.connectorIds()).toEqual(['alpha']);
  });

  describe('which manifest is served when live replicas disagree', () => {
    const full = manifest('alpha', ['get_x', 'delete_x']);
    const readOnly = manifest('alpha', ['get_x']);
    const names = () => inventory.tools().map((t) => t.qualifiedName);

    it('serves the newest announced, reports the disagreement naming both digests, and restores the other when that replica leaves', () => {
      expect(announce('writer', full)).toEqual({ accepted: true });
      const result = announce('reader', readOnly);
      expect(result).toEqual({
        accepted: true,
        disagreement: {
          connector: 'alpha',
          served: { replicaId: 'reader', digest: manifestDigest(readOnly) },
          others: [{ replicaId: 'writer', digest: manifestDigest(full) }],
        },
      });
      expect(names()).toEqual(['alpha_get_x']);
      inventory.remove('alpha', 'reader');
      expect(names()).toEqual(['alpha_get_x', 'alpha_delete_x']);
      expect(inventory.served('alpha')).toEqual({ replicaId: 'writer', digest: manifestDigest(full) });
    });

    it('restores the remaining manifest when the newest replica expires instead of saying goodbye', () => {
      announce('writer', full, 0);
      announce('reader', readOnly, 0);
      expect(inventory.heartbeat('alpha', 'writer', manifestDigest(full), 2500)).toBe(true);
      expect(inventory.expire(3500)).toEqual([{ connector: 'alpha', replicaId: 'reader' }]);
      expect(inventory.served('alpha')?.digest).toBe(manifestDigest(full));
      expect(names()).toContain('alpha_delete_x');
    });

    it('never serves a manifest no live replica announces, whatever the order of joins, re-announcements and departures', () => {
      const versions = [full, readOnly, manifest('alpha', []), manifest('alpha', ['get_y'])];
      // A fixed pseudo-random walk (no flakes) over many interleavings.
      let seed = 7;
      const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const live = new Map<string, Manifest>();
      for (let step = 0; step < 2000; step++) {
        const replica = `r${next(5)}`;
        if (next(3) === 0) {
          inventory.remove('alpha', replica);
          live.delete(replica);
        } else {
          const m = versions[next(versions.length)]!;
          announce(replica, m);
          live.set(replica, m);
        }
        const served = inventory.served('alpha');
        if (live.size === 0) expect(served).toBeUndefined();
        else {
          expect(live.get(served!.replicaId)).toBeDefined();
          expect(manifestDigest(live.get(served!.replicaId)!)).toBe(served!.digest);
          expect(names()).toEqual(live.get(served!.replicaId)!.tools.map((t) => `alpha_${t.name}`));
        }
      }
    });
  });
});
