import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NatsBus } from '@mcp-hub/bus';
import { NatsServerProcess } from '@mcp-hub/bus/testing';
import { Subjects, encode } from '@mcp-hub/connector-contract';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createAskingConnector, type AskingDeps } from '@mcp-hub/connector-kit/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Hub } from '../src/hub';
import type { HttpFront } from '../src/http/http-front';
import { silent, testFront, waitFor } from './hub-fixture';
import { SHIPPED_NATS_PASSWORDS } from './shipped-nats-passwords';

/**
 * Server-to-client requests on the shipped deploy/nats/nats.conf: a connector asks in its own
 * name and reads the answer in its own inboxes; another connector can do neither.
 */
const NATS_CONF = readFileSync(path.join(__dirname, '../../../deploy/nats/nats.conf'), 'utf8');
const PASSWORDS = SHIPPED_NATS_PASSWORDS;
const subjects = new Subjects();

describe('server-to-client requests on the shipped NATS permissions', () => {
  let server: NatsServerProcess;
  let hubBus: NatsBus;
  let helpdeskBus: NatsBus;
  let otherBus: NatsBus;
  let hub: Hub;
  let front: HttpFront;
  let helpdesk: ConnectorService<AskingDeps>;
  let client: Client;
  const deps: AskingDeps = { failures: [], asking: [] };

  beforeAll(async () => {
    server = await NatsServerProcess.withConfig(NATS_CONF, PASSWORDS);
    const connectAs = (user: string, pass: string, inboxPrefix?: string) => NatsBus.connect({ servers: server.url, name: user, user, pass, inboxPrefix });
    hubBus = await connectAs('hub', PASSWORDS.NATS_HUB_PASS);
    helpdeskBus = await connectAs('connector-helpdesk', PASSWORDS.NATS_HELPDESK_PASS, subjects.connectorInboxPrefix('helpdesk'));
    otherBus = await connectAs('connector-database', PASSWORDS.NATS_DATABASE_PASS, subjects.connectorInboxPrefix('database'));
    hub = new Hub({ bus: hubBus, hubId: 'hub-perms', logger: silent, sweepMs: 200, callTimeoutMs: 5000 });
    await hub.start();
    front = testFront(hub, { maxSessions: 10 });
    const url = await front.listen();
    helpdesk = await runConnector(createAskingConnector('helpdesk'), { bus: helpdeskBus, deps, heartbeatMs: 500, logger: silent });
    await waitFor(() => hub.inventory.replicaCount('helpdesk') === 1);
    client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: true } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await front?.close(0);
    hub?.stop();
    await helpdesk?.stop();
    for (const bus of [otherBus, helpdeskBus, hubBus]) await bus?.close();
    await server?.stop();
  });

  it('lets a connector ask its call’s client and read the answer', async () => {
    const result = await client.callTool({ name: 'helpdesk_ask_person', arguments: { message: 'Close ticket 4?' } });
    expect(result.structuredContent).toEqual({ action: 'accept', confirm: true });
  });

  it('does not let another connector ask in its name', async () => {
    const forged = encode({ invocationId: '00000000-0000-4000-8000-000000000000', replicaId: 'x', request: { method: 'roots/list' } });
    await expect(otherBus.request(subjects.clientRequests(hub.hubId, 'helpdesk'), forged, { timeoutMs: 500 })).rejects.toMatchObject({ kind: 'forbidden' }); // refused by the server at once (no publish right), not at the deadline
    // Its own name reaches the hub, which refuses a call it does not know (the answer arrives in its own inbox).
    const own = await otherBus.request(subjects.clientRequests(hub.hubId, 'database'), forged, { timeoutMs: 2000 });
    expect(JSON.parse(new TextDecoder().decode(own.data))).toMatchObject({ status: 'error', kind: 'refused' });
  });
});
