import { z } from 'zod';

/** `points` calls per `durationSeconds`, in a fixed window that starts with the first call. */
export const RateLimitSchema = z.strictObject({
  points: z.number().int().min(1).max(1_000_000),
  durationSeconds: z.number().int().min(1).max(86_400),
});
export type RateLimit = z.infer<typeof RateLimitSchema>;

const LimitsSchema = z.strictObject({
  /** Calls one principal makes to one tool. */
  perPrincipalTool: RateLimitSchema.optional(),
  /** Calls to all the tools of one connector, from every principal together. */
  perConnector: RateLimitSchema.optional(),
});

/**
 * Tool-call rate limits: defaults for every connector, and per-connector settings that replace
 * them (`connectors.github.perConnector`). A limit left unset is no limit.
 */
export const RateLimitSettingsSchema = LimitsSchema.extend({
  connectors: z.record(z.string(), LimitsSchema).default({}),
});
export type RateLimitSettings = z.infer<typeof RateLimitSettingsSchema>;
