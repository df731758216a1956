import { z } from 'zod';

/** Tool kinds that need an approval without any policy saying so (from the tool's annotations). */
export const ApprovalDefaultSchema = z.enum(['destructive', 'open_world_write']);
export type ApprovalDefault = z.infer<typeof ApprovalDefaultSchema>;

/**
 * Approvals (issue 14, config `approvals`). A call needs a person's approval when the policy's
 * permit carries `@approval`, when its tool is of a kind in `requireFor` (`destructive`:
 * `destructiveHint`; `open_world_write`: `openWorldHint` and not `readOnlyHint`: a send, a post,
 * a merge), or when its session has read untrusted content and the tool is an open-world write
 * (`taint`). `enabled: false` turns off the defaults and the taint; the policy's `@approval`
 * still holds its calls.
 */
export const ApprovalSettingsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    requireFor: z.array(ApprovalDefaultSchema).max(2).default(['destructive', 'open_world_write']),
    /** How long a request may wait for a decision, and an approval for its call, minutes. */
    ttlMinutes: z.number().min(0.05).max(24 * 60).default(10),
    /**
     * Out of band, with a client that sent a progressToken: how long the call waits for the
     * decision (progress every second) before it returns the pending result. 0: return at once.
     * Without a progressToken the call always returns at once (docs/decisions/0007-approvals.md).
     */
    waitSeconds: z.number().min(0).max(600).default(30),
    /**
     * Ask in band (MCP elicitation) when the client can be asked. `false`: every approval comes
     * from the CLI or the admin page, for deployments whose clients might let a model, not a
     * person, answer an elicitation.
     */
    inBand: z.boolean().default(true),
    /** In band: how long the hub waits for the person to answer the elicitation. */
    elicitTimeoutSeconds: z.number().min(1).max(3600).default(300),
    /** How often a waiting call looks for the decision in the store, ms. */
    pollMs: z.number().int().min(50).max(10_000).default(500),
    /** Session taint: after untrusted content, open-world writes need an approval for `ttlMinutes`. */
    taint: z
      .strictObject({
        enabled: z.boolean().default(true),
        ttlMinutes: z.number().min(1).max(7 * 24 * 60).default(8 * 60),
      })
      .prefault({}),
    /** e.g. postgres://hub@db/mcphub: shared by the replicas of a distributed hub. Embedded: `<dataDir>/approvals.sqlite`. */
    postgresUrl: z.string().min(1).optional(),
  })
  .prefault({});
export type ApprovalSettings = z.infer<typeof ApprovalSettingsSchema>;
