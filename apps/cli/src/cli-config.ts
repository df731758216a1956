import { isIP } from 'node:net';
import { z } from 'zod';
import { ConnectorIdSchema, DEFAULT_NAMESPACE, NamePrefixSchema, NamespaceSchema, PrincipalSchema } from '@mcp-hub/connector-contract';
import { NatsSettingsSchema } from '@mcp-hub/bus';
import { JobSettingsSchema, PREFIX_CONFIG_KEY, ReplicaSettingsSchema, isPlainObject } from '@mcp-hub/connector-kit';
import { ApprovalSettingsSchema, RateLimitSettingsSchema, TrustedIssuerSchema } from '@mcp-hub/hub';

const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The `mcp-hub` command's configuration (the hub front, the connectors it runs, the process).
 * Every key has a default, so an empty file is a valid embedded setup.
 */
export const CliConfigSchema = z.strictObject({
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(3000),
      /** Largest accepted request body, bytes. */
      maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
      /** Host headers accepted (DNS-rebinding protection). Add the public name when serving beyond loopback. */
      allowedHosts: z.array(z.string().min(1)).default(LOCAL_NAMES),
      /** Browser origins accepted; requests without an Origin header (non-browser clients) always pass. */
      allowedOrigins: z.array(z.string().min(1)).default(LOCAL_NAMES),
      /** Most 2025-era sessions one hub replica holds at once; beyond it, the longest-idle session of the client holding the most ends. */
      maxSessions: z.number().int().min(1).max(1_000_000).default(1000),
      /**
       * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client for
       * the per-client quotas. Empty: the peer address is the client.
       */
      trustedProxies: z
        .array(
          z.string().refine((entry) => {
            const [address = '', prefix] = entry.split('/');
            return isIP(address) !== 0 && (prefix === undefined || /^\d{1,3}$/.test(prefix));
          }, 'must be an IP address or a CIDR range (10.0.0.0/8)'),
        )
        .max(100)
        .default([]),
      /** Most 2025-era sessions one client (remote address) holds on one replica; more initialize requests get 429. */
      maxSessionsPerClient: z.number().int().min(1).max(1_000_000).default(100),
      /** Most 2026-era subscriptions/listen streams open on one replica; beyond it, the oldest stream of the client holding the most closes. */
      maxListenStreams: z.number().int().min(1).max(1_000_000).default(1024),
      /** Most listen streams one client (remote address) holds open on one replica; more get 429. */
      maxListenStreamsPerClient: z.number().int().min(1).max(1_000_000).default(32),
      /** Most resources one 2025 session, or one listen stream, subscribes to. */
      maxSubscriptionsPerSession: z.number().int().min(1).max(100_000).default(100),
      /** 2025-era sessions idle this long are closed. */
      sessionIdleMinutes: z.number().min(1).max(24 * 60).default(30),
    })
    .prefault({}),
  nats: NatsSettingsSchema,
  /**
   * The deployment namespace: the first token of every NATS subject and queue group. Hubs and
   * connectors see only those of their own namespace, so several deployments can share one NATS.
   */
  namespace: NamespaceSchema.default(DEFAULT_NAMESPACE),
  calls: z
    .strictObject({
      /** Deadline of one tool call, resource read or prompt request. */
      timeoutMs: z.number().int().min(100).max(15 * 60_000).default(30_000),
    })
    .prefault({}),
  /** How connector replicas started by this command run. */
  replica: ReplicaSettingsSchema,
  /** Long-running tools: on BullMQ with `redisUrl` (REDIS_URL; `hub` queues job tools, connector replicas run their workers), else in the embedded mode's in-process runner. */
  jobs: JobSettingsSchema,
  /**
   * Where 2025-era sessions live. `memory`: this process only (one replica). `redis`: shared by
   * every hub replica, so any replica serves any request of a session. Env REDIS_URL selects
   * `redis` with that URL. The embedded mode always keeps them in memory.
   */
  sessions: z
    .strictObject({
      store: z.enum(['memory', 'redis']).default('memory'),
      /** e.g. redis://127.0.0.1:6379; required with `redis`. Prefer REDIS_URL for URLs that carry a password. */
      redisUrl: z.string().min(1).optional(),
    })
    .refine((s) => s.store !== 'redis' || s.redisUrl !== undefined, { message: 'redisUrl is required when store is redis', path: ['redisUrl'] })
    .prefault({}),
  /**
   * The admin page (`/admin`). Without a token it is off, except in the embedded mode, which keeps
   * a generated one in `<dataDir>/admin-token` and prints it at start. Prefer MCP_HUB_ADMIN_TOKEN.
   */
  admin: z.strictObject({ token: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)').optional() }).prefault({}),
  /**
   * Who may see and use what: Cedar files, or folders of `*.cedar` files, watched and applied
   * while the hub runs. Embedded without files: `<dataDir>/policy.cedar`, created permissive.
   * `required` (production): with no files, or none readable at start, every request is denied.
   */
  policy: z
    .strictObject({
      files: z.array(z.string().min(1)).max(100).default([]),
      required: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * Tool pinning and description scanning (issue 14): every tool, prompt, resource and template
   * definition is pinned on first sight; a changed one, or one the scanner flags, is hidden until
   * `mcp-hub tools approve`. Embedded, pins live in `<dataDir>/pins.sqlite`; the distributed hub
   * pins only with `postgresUrl` (env MCP_HUB_PINNING_POSTGRES_URL), shared by every replica.
   */
  pinning: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** What a scanner finding does: hide the definition until approved, or only log it. */
      scanMode: z.enum(['quarantine', 'warn']).default('quarantine'),
      /** e.g. postgres://hub@db/mcphub. Prefer the variable for URLs that carry a password. */
      postgresUrl: z.string().min(1).optional(),
      /** How often a hub picks up approvals made elsewhere, ms. */
      pollMs: z.number().int().min(100).max(60_000).default(2000),
    })
    .prefault({}),
  /**
   * Approvals (issue 14): calls the policy marks `@approval`, destructive and open-world write
   * tools (`requireFor`), and open-world writes of a session that read untrusted content wait
   * for a person (`mcp-hub approvals approve`, the admin page, or MCP elicitation). Embedded,
   * approvals live in `<dataDir>/approvals.sqlite`; replicas on several machines share
   * `postgresUrl` (env MCP_HUB_APPROVALS_POSTGRES_URL). See docs/decisions/0007-approvals.md.
   */
  approvals: ApprovalSettingsSchema,
  /**
   * The audit log (issue 14): every tool call, resource read and prompt get in a hash chain that
   * `mcp-hub audit verify` checks. Embedded, in `<dataDir>/audit.sqlite`; the distributed hub
   * records only with `postgresUrl` (env MCP_HUB_AUDIT_POSTGRES_URL), one chain for every replica.
   */
  audit: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** e.g. postgres://hub@db/mcphub. Prefer the variable for URLs that carry a password. */
      postgresUrl: z.string().min(1).optional(),
      /** Longest redacted arguments a record keeps, characters of JSON; longer ones are cut. */
      maxArgumentChars: z.number().int().min(64).max(1_000_000).default(4096),
    })
    .prefault({}),
  /**
   * Signed connector manifests (issue 14, server spoofing; docs/decisions/0010-signed-manifests.md).
   * `keys`: per connector id, its Ed25519 public key, as SPKI PEM text or the path of a PEM file
   * (several keys in one PEM during a rotation); a connector with a key joins only with a manifest
   * that key signed. `required` (default: on as soon as one key is configured): connectors without
   * a key are refused too. Env MCP_HUB_CONNECTOR_KEYS (`id=path,id=path`), MCP_HUB_REQUIRE_SIGNED_MANIFESTS.
   */
  signedManifests: z
    .strictObject({
      keys: z.record(ConnectorIdSchema, z.string().min(1)).default({}),
      required: z.boolean().optional(),
    })
    .prefault({}),
  /**
   * Service chains (issue 15): declarative composite tools, each served as `chain_<name>`, whose
   * steps are tool calls made as the chain's caller. `files`: YAML or JSON files of chains by name
   * (resolved from the working directory); `definitions`: chains written here. Checked at start:
   * an error names the chain and the step, and chains that call themselves are refused. They run
   * as BullMQ flows when `jobs.redisUrl` (REDIS_URL) is set, in the hub's process otherwise.
   */
  chains: z
    .strictObject({
      files: z.array(z.string().min(1)).max(100).default([]),
      definitions: z.record(z.string(), z.unknown()).default({}),
      /** Deadline of one chain run on BullMQ. */
      timeoutMinutes: z.number().int().min(1).max(10_080).default(60),
      /** Steps and chains one hub process runs at once on BullMQ. */
      concurrency: z.number().int().min(1).max(1000).default(32),
    })
    .prefault({}),
  /** Tool-call rate limits; shared through Redis (`sessions.redisUrl` / REDIS_URL) by `hub` replicas, in memory otherwise. */
  rateLimits: RateLimitSettingsSchema.prefault({}),
  /** Who calls when no authentication is configured (the embedded, single-user mode), and over stdio. */
  principal: PrincipalSchema.prefault({ id: 'local', scopes: ['*'] }),
  /**
   * Authentication of Streamable HTTP clients: the hub as an OAuth 2.1 resource server. On when
   * `issuers` or `hubTokens` is set; then every `/mcp` request needs a bearer token.
   */
  auth: z
    .strictObject({
      /** This hub's resource URL (RFC 8707), the audience every token must name. Default `http://<http.host>:<http.port>/mcp`; set the public URL behind a proxy. */
      resource: z.url().optional(),
      /** Authorization servers whose tokens are accepted. */
      issuers: z.array(TrustedIssuerSchema).max(20).default([]),
      /** Scopes every request needs (403 `insufficient_scope` without them). */
      requiredScopes: z.array(z.string().min(1).max(100)).max(20).default([]),
      /** The hub's own short-lived tokens (`mcp-hub token create`). */
      hubTokens: z
        .strictObject({
          /** Ed25519 key, PEM: the private key to mint (and verify), or only the public key on replicas that just verify. */
          keyFile: z.string().min(1),
          /** Longest life a minted token may have. */
          maxTtlMinutes: z.number().min(1).max(24 * 60).default(60),
          /** `iss` of minted tokens. Default: the resource URL. */
          issuer: z.string().min(1).max(2048).optional(),
        })
        .optional(),
      /** Clock skew tolerated on `exp` and `nbf`, seconds. */
      clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
      /** Serve beyond loopback without authentication (every client is `principal`): only with `--insecure-no-auth`. */
      insecureNoAuth: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * The signed principal assertion each request to a connector carries. `signingKeyFile` (the
   * hub: Ed25519 private key, PEM) and `publicKeyFile` (connectors: its public half). The embedded
   * mode makes a key pair of its own at start.
   */
  assertions: z
    .strictObject({
      signingKeyFile: z.string().min(1).optional(),
      publicKeyFile: z.string().min(1).optional(),
      /** Life of one assertion. */
      ttlSeconds: z.number().int().min(10).max(900).default(120),
    })
    .prefault({}),
  /** `level` unset: the CLI picks `info`, or `warn` in a terminal and in stdio mode. */
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional() }).prefault({}),
  /** Where embedded state and demo data live. The CLI fills in a per-user directory when none is given. */
  dataDir: z.string().min(1).default('.mcp-hub'),
  /**
   * Per-connector configuration, validated by each connector's own schema, except `module` and
   * `prefix` (what clients see before the connector's tool and prompt names: its id by default,
   * `""` for none), which are the host's.
   */
  connectors: z
    .record(z.string(), z.unknown())
    .superRefine((sections, ctx) => {
      for (const [id, section] of Object.entries(sections)) {
        if (!isPlainObject(section) || !(PREFIX_CONFIG_KEY in section)) continue;
        const prefix = NamePrefixSchema.safeParse(section[PREFIX_CONFIG_KEY]);
        if (!prefix.success) ctx.addIssue({ code: 'custom', path: [id, PREFIX_CONFIG_KEY], message: prefix.error.issues[0]?.message ?? 'invalid prefix' });
      }
    })
    .default({}),
  embedded: z
    .strictObject({
      /** Built-in connectors the embedded mode runs. */
      connectors: z
        .array(z.string())
        .refine((ids) => new Set(ids).size === ids.length, { error: (issue) => `lists ${duplicates(issue.input as string[]).join(', ')} more than once` })
        .optional(),
    })
    .prefault({}),
});
export type CliConfig = z.infer<typeof CliConfigSchema>;

/** The name prefixes the configuration sets (`connectors.<id>.prefix`), for the hub. */
export function namePrefixes(config: CliConfig): Map<string, string> {
  const prefixes = new Map<string, string>();
  for (const [id, section] of Object.entries(config.connectors)) {
    if (isPlainObject(section) && typeof section[PREFIX_CONFIG_KEY] === 'string') prefixes.set(id, section[PREFIX_CONFIG_KEY]);
  }
  return prefixes;
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}
