import { z } from 'zod';

/** One or more NATS server URLs, comma separated, each `nats://host:port` (or `host:port`). */
const NatsUrlsSchema = z.string().min(1).refine(
  (value) => value.split(',').every((part) => isNatsServerUrl(part.trim())),
  { message: 'expected nats://host:port, several separated by commas (e.g. nats://127.0.0.1:4222)' },
);

function isNatsServerUrl(value: string): boolean {
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `nats://${value}`);
    return ['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** How a distributed-mode process (hub or connector replica) reaches NATS: the `nats` section of the configuration. */
export const NatsSettingsSchema = z
  .strictObject({
    url: NatsUrlsSchema.default('nats://127.0.0.1:4222'),
    /**
     * How long a distributed-mode process waits for NATS at start-up before it exits 1, in
     * seconds. 0 (default) waits for ever, logging every attempt; the hub's /readyz says 503 meanwhile.
     */
    waitSeconds: z.number().min(0).max(86_400).default(0),
    /** Prefer NATS_USER / NATS_PASS / NATS_TOKEN in the environment to keeping secrets in the file. */
    user: z.string().optional(),
    pass: z.string().optional(),
    token: z.string().optional(),
    /** A `.creds` file (user JWT + NKEY seed) for servers in operator/JWT mode (env NATS_CREDS_FILE). */
    credsFile: z.string().min(1).optional(),
    /** A file holding an NKEY user's seed, `SU…` (env NATS_NKEY_SEED_FILE). */
    nkeySeedFile: z.string().min(1).optional(),
  })
  .prefault({});
export type NatsSettings = z.output<typeof NatsSettingsSchema>;
