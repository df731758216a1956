import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import pino from 'pino';
import { SignJWT } from 'jose';
import { InProcessBus } from '@mcp-hub/bus';
import {
  PRINCIPAL_ASSERTION_TYPE,
  ReplySchema,
  Subjects,
  decode,
  encode,
  headers,
  principalAssertionClaims,
  type Principal,
} from '@mcp-hub/connector-contract';
import { PrincipalAssertionVerifier } from '../src/principal-assertion-verifier';
import { runConnector, type ConnectorService } from '../src/connector-service';
import { createEchoConnector, type EchoDeps } from '../src/testing';

const silent = pino({ level: 'silent' });
const subjects = new Subjects();
const alice: Principal = { id: 'alice', scopes: ['tickets:read'], roles: ['support'] };

function keyPair() {
  return generateKeyPairSync('ed25519');
}

/** Signs an assertion as the hub does, with any claims changed. */
async function assertion(privateKey: KeyObject, overrides: Record<string, unknown> = {}, invocationId = randomUUID(), typ = PRINCIPAL_ASSERTION_TYPE): Promise<{ token: string; invocationId: string }> {
  const claims = { ...principalAssertionClaims(alice, 'echo', invocationId, 120_000), ...overrides };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ }).sign(privateKey);
  return { token, invocationId };
}

describe('connector-side verification of the hub\'s principal assertion', () => {
  const hub = keyPair();
  let bus: InProcessBus;
  let service: ConnectorService<EchoDeps>;

  beforeAll(async () => {
    bus = new InProcessBus();
    service = await runConnector(createEchoConnector('echo'), {
      bus,
      deps: { aborted: [] as string[] },
      logger: silent,
      assertions: new PrincipalAssertionVerifier({ publicKeys: [hub.publicKey], connectorId: 'echo' }),
    });
  });
  afterAll(async () => {
    await service.stop();
    await bus.close();
  });

  /** Calls echo's `whoami` with `bodyPrincipal` in the request and `token` in the assertion header. */
  async function whoami(invocationId: string, token: string | undefined, bodyPrincipal: Principal = alice) {
    const request = { invocationId, deadline: Date.now() + 5000, principal: bodyPrincipal, tool: 'whoami', arguments: {} };
    const reply = await bus.request(subjects.invoke('echo', 'whoami'), encode(request), {
      timeoutMs: 5000,
      headers: token === undefined ? {} : { [headers.assertion]: token },
    });
    return decode(ReplySchema, reply.data);
  }

  it('gives the handler the principal the hub signed, whatever the request body says', async () => {
    const { token, invocationId } = await assertion(hub.privateKey);
    const reply = await whoami(invocationId, token, { id: 'root', scopes: ['*'] });
    expect(reply).toEqual({ status: 'ok', result: expect.objectContaining({ structuredContent: { id: 'alice', scopes: ['tickets:read'], roles: ['support'] } }) });
  });

  const refused: Array<[string, () => Promise<{ token?: string; invocationId: string }>]> = [
    ['no assertion at all', async () => ({ invocationId: randomUUID() })],
    ['an assertion forged with another key', () => assertion(keyPair().privateKey)],
    ['an expired assertion', () => assertion(hub.privateKey, { iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 })],
    ['an assertion for another connector', () => assertion(hub.privateKey, { aud: 'helpdesk' })],
    ['an assertion from another issuer', () => assertion(hub.privateKey, { iss: 'someone' })],
    ['an assertion of another type (an access token)', () => assertion(hub.privateKey, {}, randomUUID(), 'at+jwt')],
    [
      'an assertion made for another invocation',
      async () => ({ token: (await assertion(hub.privateKey)).token, invocationId: randomUUID() }),
    ],
    ['an unsigned assertion (alg none)', async () => {
      const invocationId = randomUUID();
      const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return { token: `${part({ alg: 'none', typ: PRINCIPAL_ASSERTION_TYPE })}.${part(principalAssertionClaims(alice, 'echo', invocationId, 60_000))}.`, invocationId };
    }],
  ];
  it.each(refused)('refuses %s before any handler runs', async (_what, make) => {
    const { token, invocationId } = await make();
    const reply = await whoami(invocationId, token);
    expect(reply).toEqual({ status: 'error', kind: 'forbidden', message: 'The connector could not verify who this call is for.' });
  });

  it('refuses an assertion replayed on this replica', async () => {
    const { token, invocationId } = await assertion(hub.privateKey);
    expect((await whoami(invocationId, token)).status).toBe('ok');
    expect(await whoami(invocationId, token)).toEqual(expect.objectContaining({ status: 'error', kind: 'forbidden' }));
  });

  it('accepts either key during a rotation', async () => {
    const next = keyPair();
    const verifier = new PrincipalAssertionVerifier({ publicKeys: [hub.publicKey, next.publicKey], connectorId: 'echo' });
    const { token, invocationId } = await assertion(next.privateKey);
    expect(await verifier.verify(token, invocationId)).toEqual(alice);
  });
});
