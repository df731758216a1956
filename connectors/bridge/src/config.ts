import { z } from 'zod';

/** An upstream MCP server the bridge starts as a child process and speaks to on stdin/stdout. */
export const StdioUpstreamSchema = z.strictObject({
  transport: z.literal('stdio'),
  command: z.string().min(1).max(4096),
  args: z.array(z.string().max(4096)).max(200).default([]),
  /** Added to a minimal inherited environment (PATH, HOME, …), never the bridge's whole environment. */
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().min(1).optional(),
});

/** An upstream MCP server reached over Streamable HTTP. */
export const HttpUpstreamSchema = z.strictObject({
  transport: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  /** Environment variable holding a bearer token sent as `Authorization: Bearer …`. */
  bearerTokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  /** File holding the bearer token (a mounted secret); surrounding whitespace is ignored. */
  bearerTokenFile: z.string().min(1).optional(),
});

/** Hints that replace what the upstream says about one of its tools (upstream annotations are untrusted). */
export const AnnotationOverrideSchema = z.strictObject({
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});

export const BridgeConfigSchema = z.strictObject({
  upstream: z.discriminatedUnion('transport', [StdioUpstreamSchema, HttpUpstreamSchema]),
  /** Per upstream tool name (as the upstream spells it): hints that replace the upstream's. */
  annotations: z.record(z.string(), AnnotationOverrideSchema).default({}),
  /** Largest upstream answer relayed, in bytes of JSON; a larger one is a tool error. Below NATS's 1 MiB payload by default. */
  maxResultBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(512 * 1024),
  /** How long connecting and listing the upstream may take, in ms. */
  connectTimeoutMs: z.number().int().min(100).max(300_000).default(30_000),
  /** Backoff of reconnection (a stdio child restarted, an HTTP session opened again). */
  restart: z
    .strictObject({
      baseDelayMs: z.number().int().min(10).max(60_000).default(250),
      maxDelayMs: z.number().int().min(10).max(600_000).default(30_000),
    })
    .default({ baseDelayMs: 250, maxDelayMs: 30_000 }),
  /** Notifications (progress, resource updates, list changes) relayed per second; the rest are dropped or coalesced. */
  notificationsPerSecond: z.number().int().min(1).max(10_000).default(100),
});
export type BridgeConfig = z.output<typeof BridgeConfigSchema>;
export type BridgeConfigInput = z.input<typeof BridgeConfigSchema>;
export type UpstreamConfig = BridgeConfig['upstream'];
export type AnnotationOverride = z.output<typeof AnnotationOverrideSchema>;
