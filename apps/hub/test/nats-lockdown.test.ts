import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, errors, type NatsConnection, type Status } from '@nats-io/transport-node';
import { createUser } from '@nats-io/nkeys';
import pino from 'pino';
import { NatsBus, isBusError } from '@mcp-hub/bus';
import { NatsServerProcess } from '@mcp-hub/bus/testing';
import { Subjects, encode, headers } from '@mcp-hub/connector-contract';
import { PrincipalAssertionVerifier, connectNats, runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import { Hub } from '../src/hub';
import { PrincipalAssertionSigner } from '../src/auth/principal-assertion-signer';
import { waitFor } from './hub-fixture';
import { SHIPPED_NATS_PASSWORDS } from './shipped-nats-passwords';

/**
 * Issue 13, part 5: a compromised connector's NATS credentials reach no other connector's
 * traffic. A nats-server runs the shipped deploy/nats/nats.conf; `connector-database` is the
 * attacker, `connector-helpdesk` (an echo connector under that id) the victim.
 */
const NATS_CONF = readFileSync(path.join(__dirname, '../../../deploy/nats/nats.conf'), 'utf8');
const PASSWORDS = SHIPPED_NATS_PASSWORDS;
const subjects = new Subjects();
const principal = { id: 'u', scopes: ['*'] };

/** A raw nats.js connection that records the server's permission violations for it. */
class Observed {
  readonly violations: Array<{ operation: string; subject: string }> = [];
  private constructor(readonly nc: NatsConnection) {
    void (async () => {
      for await (const status of nc.status() as AsyncIterable<Status>) {
        if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) {
          this.violations.push({ operation: status.error.operation, subject: status.error.subject });
        }
      }
    })();
  }
  static async as(server: NatsServerProcess, user: string, pass: string): Promise<Observed> {
    return new Observed(await connect({ servers: server.url, user, pass }));
  }
  refused(operation: 'publish' | 'subscription', subject: string): boolean {
    return this.violations.some((v) => v.operation === operation && v.subject === subject);
  }
}

describe('NATS locked down with the shipped permissions', () => {
  let server: NatsServerProcess;
  let hubBus: NatsBus;
  let helpdeskBus: NatsBus;
  let hub: Hub;
  let helpdesk: ConnectorService<EchoDeps>;
  let attacker: Observed;
  let spy: NatsConnection;

  beforeAll(async () => {
    server = await NatsServerProcess.withConfig(NATS_CONF, PASSWORDS);
    hubBus = await NatsBus.connect({ servers: server.url, name: 'hub', user: 'hub', pass: PASSWORDS.NATS_HUB_PASS });
    helpdeskBus = await NatsBus.connect({ servers: server.url, name: 'helpdesk', user: 'connector-helpdesk', pass: PASSWORDS.NATS_HELPDESK_PASS });
    hub = new Hub({ bus: hubBus, hubId: 'hub-lockdown', logger: pino({ level: 'silent' }), sweepMs: 200, callTimeoutMs: 10_000 });
    await hub.start();
    helpdesk = await runConnector(createEchoConnector('helpdesk'), { bus: helpdeskBus, deps: { aborted: [] } as EchoDeps, heartbeatMs: 500 });
    await waitFor(() => hub.inventory.replicaCount('helpdesk') === 1);
    attacker = await Observed.as(server, 'connector-database', PASSWORDS.NATS_DATABASE_PASS);
    // The test's own eyes, with the hub's rights: it sees the reply subject the attacker would need.
    spy = await connect({ servers: server.url, user: 'hub', pass: PASSWORDS.NATS_HUB_PASS });
  });

  afterAll(async () => {
    hub?.stop();
    await helpdesk?.stop();
    for (const nc of [attacker?.nc, spy]) await nc?.close();
    for (const bus of [helpdeskBus, hubBus]) await bus?.close();
    await server?.stop();
  });

  it("cannot answer another connector's subjects: the subscription is refused and calls reach the real replica", async () => {
    const stolen: string[] = [];
    const target = subjects.invoke('helpdesk', 'whoami');
    attacker.nc.subscribe(target, { queue: subjects.queueGroup('helpdesk'), callback: (_e, msg) => void stolen.push(msg.subject) });
    attacker.nc.subscribe(subjects.resourceRead('helpdesk'), { callback: (_e, msg) => void stolen.push(msg.subject) });
    await attacker.nc.flush().catch(() => undefined);
    await waitFor(() => attacker.refused('subscription', target) && attacker.refused('subscription', subjects.resourceRead('helpdesk')));
    for (let i = 0; i < 5; i++) {
      const result = await hub.callTool('helpdesk_whoami', {}, { principal });
      expect(result.structuredContent).toEqual(principal);
    }
    expect(stolen).toEqual([]);
  });

  it('cannot read hub traffic: replies, hub events, session cancellations, the registry', async () => {
    const seen: string[] = [];
    const forbidden = ['_INBOX.>', subjects.hubEvents('hub-lockdown'), subjects.sessionCancellations(), subjects.allRegistry('announce'), 'mcphub.v2.>', '>'];
    for (const subject of forbidden) attacker.nc.subscribe(subject, { callback: (_e, msg) => void seen.push(msg.subject) });
    await waitFor(() => forbidden.every((subject) => attacker.refused('subscription', subject)));
    // Traffic of every kind while the attacker listens: calls with progress (hub events), replies.
    await hub.callTool('helpdesk_slow', { steps: 2, step_ms: 30 }, { principal, onProgress: () => undefined });
    await hub.callTool('helpdesk_whoami', {}, { principal });
    expect(seen).toEqual([]);
  });

  it("cannot forge a reply to another connector's request, even knowing its reply subject", async () => {
    let replySubject: string | undefined;
    const sub = spy.subscribe(subjects.invoke('helpdesk', 'slow'), { callback: (_e, msg) => void (replySubject ??= msg.reply) });
    await spy.flush();
    const call = hub.callTool('helpdesk_slow', { steps: 3, step_ms: 100 }, { principal });
    await waitFor(() => replySubject !== undefined);
    const forged = encode({ status: 'ok', result: { content: [{ type: 'text', text: 'forged' }], structuredContent: { completed: 999 } } });
    attacker.nc.publish(replySubject!, forged);
    await attacker.nc.flush();
    const result = await call;
    expect(result.structuredContent).toEqual({ completed: 3 });
    expect(attacker.refused('publish', replySubject!)).toBe(true);
    sub.unsubscribe();
  });

  it('cannot announce, heartbeat or say goodbye for another connector id', async () => {
    for (const event of ['announce', 'heartbeat', 'goodbye'] as const) attacker.nc.publish(subjects.registry('helpdesk', event), encode({ forged: true }));
    await attacker.nc.flush();
    await waitFor(() => (['announce', 'heartbeat', 'goodbye'] as const).every((event) => attacker.refused('publish', subjects.registry('helpdesk', event))));
    expect(hub.inventory.replicaCount('helpdesk')).toBe(1);
  });

  it('a request the server refuses to publish fails at once as forbidden, not at its deadline', async () => {
    // The hub user may publish only under the namespace: anything else is a permissions violation.
    const outcome = await hubBus.request('elsewhere.invoke.tool', encode({}), { timeoutMs: 30_000 }).then(
      () => 'answered',
      (error: unknown) => (isBusError(error) ? error.kind : String(error)),
    );
    expect(outcome).toBe('forbidden');
  });
});

describe('the signed principal over NATS', () => {
  it('the hub signs each request and the connector serves exactly that principal; the same request without a valid assertion is refused', async () => {
    const server = await NatsServerProcess.withConfig(NATS_CONF, PASSWORDS);
    const hubKeys = PrincipalAssertionSigner.ephemeral();
    const hubBus = await NatsBus.connect({ servers: server.url, name: 'hub', user: 'hub', pass: PASSWORDS.NATS_HUB_PASS });
    const helpdeskBus = await NatsBus.connect({ servers: server.url, name: 'helpdesk', user: 'connector-helpdesk', pass: PASSWORDS.NATS_HELPDESK_PASS });
    const hub = new Hub({ bus: hubBus, hubId: 'hub-signing', logger: pino({ level: 'silent' }), sweepMs: 200, assertions: hubKeys.signer });
    const helpdesk = await runConnector(createEchoConnector('helpdesk'), {
      bus: helpdeskBus,
      deps: { aborted: [] } as EchoDeps,
      heartbeatMs: 500,
      assertions: new PrincipalAssertionVerifier({ publicKeys: [hubKeys.publicKey], connectorId: 'helpdesk' }),
    });
    try {
      await hub.start();
      await waitFor(() => hub.inventory.replicaCount('helpdesk') === 1);
      const alice = { id: 'alice', scopes: ['tickets:read'], roles: ['support'] };
      expect((await hub.callTool('helpdesk_whoami', {}, { principal: alice })).structuredContent).toEqual(alice);
      // Anyone with the hub's NATS rights but not its key (a stolen NATS password) names whom they like in vain.
      const forged = { invocationId: 'forged-0001', deadline: Date.now() + 5000, principal: { id: 'root', scopes: ['*'] }, tool: 'whoami', arguments: {} };
      const reply = await hubBus.request(subjects.invoke('helpdesk', 'whoami'), encode(forged), { timeoutMs: 5000 });
      expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ status: 'error', kind: 'forbidden' });
      const otherKey = PrincipalAssertionSigner.ephemeral().signer;
      const wrongKey = { ...forged, invocationId: 'forged-0002' };
      const signed = await hubBus.request(subjects.invoke('helpdesk', 'whoami'), encode(wrongKey), {
        timeoutMs: 5000,
        headers: { [headers.assertion]: await otherKey.sign(wrongKey.principal, 'helpdesk', wrongKey.invocationId) },
      });
      expect(JSON.parse(new TextDecoder().decode(signed.data))).toMatchObject({ status: 'error', kind: 'forbidden' });
    } finally {
      hub.stop();
      await helpdesk.stop();
      for (const bus of [helpdeskBus, hubBus]) await bus.close();
      await server.stop();
    }
  });
});

describe('NATS users authenticated by NKEY', () => {
  it('hub and connector processes connect with an NKEY seed file and keep the user\'s permissions', async () => {
    const user = createUser();
    const conf = `port: 4222\nauthorization { users: [ { nkey: ${user.getPublicKey()}, permissions: { publish: { allow: ["allowed.>"] }, subscribe: { allow: ["_INBOX.>", "allowed.>"] }, allow_responses: true } } ] }\n`;
    const server = await NatsServerProcess.withConfig(conf, {});
    const dir = mkdtempSync(path.join(tmpdir(), 'nkey-'));
    const seedFile = path.join(dir, 'user.nk');
    writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`);
    const nats = connectNats({ url: server.url, waitSeconds: 10, nkeySeedFile: seedFile }, 'nkey-user', pino({ level: 'silent' }));
    try {
      await nats.connected;
      nats.bus.subscribe('allowed.echo', (message) => message.respond(message.data));
      await nats.bus.flush();
      const reply = await nats.bus.request('allowed.echo', new TextEncoder().encode('hi'), { timeoutMs: 5000 });
      expect(new TextDecoder().decode(reply.data)).toBe('hi');
      await expect(nats.bus.request('denied.echo', new Uint8Array(), { timeoutMs: 30_000 })).rejects.toMatchObject({ kind: 'forbidden' });
      // Another seed is not that user.
      await expect(NatsBus.connect({ servers: server.url, name: 'x', nkeySeed: createUser().getSeed() })).rejects.toThrow();
    } finally {
      await nats.bus.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
