import { BridgeFixture, fakeUpstream, textOf } from './support/bridge-fixture';
import { waitFor } from './support/wait-for';

/** A bridged server's tools under their own names (prefix none), and two connectors that would expose the same name. */
describe('bridged tool names without a prefix', () => {
  let fixture: BridgeFixture;
  const upstream = { transport: 'stdio' as const, command: process.execPath, args: [fakeUpstream] };

  beforeAll(async () => {
    fixture = await new BridgeFixture(10_000, new Map([['first', ''], ['second', ''], ['third', 'x']])).start();
    await fixture.bridge('first', { upstream });
    await fixture.bridge('second', { upstream });
    await fixture.bridge('third', { upstream });
  }, 30_000);
  afterAll(() => fixture.stop());

  it('serves the first connector under the upstream names, refuses the later one its colliding tools with a log line naming both', async () => {
    const client = await fixture.client();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('echo');
    expect(names).toContain('x_echo');
    expect(names.filter((n) => n === 'echo')).toHaveLength(1);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { message: 'from first' } }))).toBe('from first');
    expect(fixture.hub.inventory.tool('echo')?.connector).toBe('first');
    await waitFor(() => fixture.logs.some((l) => l['name'] === 'echo' && l['kept'] === 'first' && l['refused'] === 'second'), 2000, 'the collision log line');
    const line = fixture.logs.find((l) => l['name'] === 'echo' && l['refused'] === 'second')!;
    expect(line['msg']).toBe('tool name echo of connector second refused: connector first already exposes it');
  });
});
