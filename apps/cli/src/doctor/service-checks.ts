import { Redis } from 'ioredis';
import { NatsBus } from '@mcp-hub/bus';
import { AnnouncementSchema, Subjects, decode, encode } from '@mcp-hub/connector-contract';
import { Redactor } from '@mcp-hub/connector-kit';
import type { CliConfig } from '../cli-config';
import { fail, messageOf, ok, skip, warn, withTimeout, type DoctorCheck } from './doctor-check';

const CONNECT_TIMEOUT_MS = 3000;
/** How long the doctor listens for connector announcements after asking for them. */
const DISCOVERY_WINDOW_MS = 1500;

/**
 * Connects to NATS as the hub and connectors would and, when it answers, asks every live
 * connector replica of the namespace to announce itself: a hub with no connector behind it is the
 * commonest broken setup.
 */
export async function checkNats(config: CliConfig): Promise<DoctorCheck[]> {
  const redactor = new Redactor([config.nats.pass, config.nats.token]);
  const url = redactor.redact(config.nats.url);
  let bus: NatsBus;
  try {
    bus = await withTimeout(NatsBus.connect({ servers: config.nats.url, name: 'mcp-hub-doctor', user: config.nats.user, pass: config.nats.pass, token: config.nats.token }), CONNECT_TIMEOUT_MS, `NATS at ${url}`);
  } catch (error) {
    const detail = redactor.redact(messageOf(error));
    const auth = /authoriz|authentic/i.test(detail);
    return [
      fail('nats', `cannot connect to ${url}: ${detail}`, auth ? 'check NATS_USER/NATS_PASS (or NATS_TOKEN) against the server\'s accounts (deploy/nats/nats.conf)' : 'start nats-server (nats-server -js), or point --nats / NATS_URL at it'),
      skip('connectors on the bus', 'NATS is not reachable'),
    ];
  }
  try {
    return [ok('nats', `connected to ${url}`), await discoverConnectors(bus, config.namespace)];
  } finally {
    await bus.close();
  }
}

async function discoverConnectors(bus: NatsBus, namespace: string): Promise<DoctorCheck> {
  const subjects = new Subjects(namespace);
  const replicas = new Map<string, Set<string>>();
  const subscription = bus.subscribe(subjects.allRegistry('announce'), (message) => {
    try {
      const announcement = decode(AnnouncementSchema, message.data);
      const id = announcement.manifest.id;
      if (!replicas.has(id)) replicas.set(id, new Set());
      replicas.get(id)!.add(announcement.replicaId);
    } catch {
      // Not an announcement the contract accepts: the hub ignores it too.
    }
  });
  try {
    bus.publish(subjects.discover(), encode({ hubId: 'doctor' }));
    await new Promise((resolve) => setTimeout(resolve, DISCOVERY_WINDOW_MS));
  } finally {
    subscription.unsubscribe();
  }
  const name = 'connectors on the bus';
  if (replicas.size === 0) return warn(name, `no connector replica answered in namespace "${namespace}"`, 'start one: mcp-hub connector <id> (same --nats and --namespace as the hub)');
  const list = [...replicas].sort(([a], [b]) => a.localeCompare(b)).map(([id, set]) => `${id} (${set.size} ${set.size === 1 ? 'replica' : 'replicas'})`);
  return ok(name, list.join(', '));
}

/** The shared 2025-session store, when the configuration puts sessions in Redis. */
export async function checkSessionStore(config: CliConfig): Promise<DoctorCheck> {
  if (config.sessions.store !== 'redis') return ok('session store', 'sessions in memory (one hub replica)');
  const redactor = new Redactor([config.sessions.redisUrl]);
  const url = redactor.redact(config.sessions.redisUrl!);
  const redis = new Redis(config.sessions.redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: CONNECT_TIMEOUT_MS });
  redis.on('error', () => undefined); // reported through the rejected ping
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), CONNECT_TIMEOUT_MS, `Redis at ${url}`);
    return ok('session store', `Redis at ${url} answers`);
  } catch (error) {
    return fail('session store', `Redis at ${url}: ${redactor.redact(messageOf(error))}`, 'start redis-server, or fix REDIS_URL / sessions.redisUrl');
  } finally {
    redis.disconnect();
  }
}
