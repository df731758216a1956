import { z } from 'zod';
import { ContentBlockSchema, PromptMessageSchema, ResourceContentsSchema } from './content';
import { ErrorReplySchema } from './errors';
import { ToolNameSchema } from './names';
import { ClientCapabilitySchema } from './client-requests';

/**
 * Who is asking: the hub's one model of an authenticated caller, from a bearer token (`sub`,
 * `scope`, roles claim), a hub-minted token, or the configured local principal (stdio, embedded).
 * Connectors receive it inside the hub's signed assertion and verify that before any handler runs.
 */
export const PrincipalSchema = z.object({
  /** Stable id: the token's `sub` (or the configured id). */
  id: z.string().min(1).max(200),
  /** OAuth scopes granted; `*` grants every scope (the local principal). */
  scopes: z.array(z.string().max(100)).max(200).default([]),
  /** Roles or groups the identity provider asserts (for policy); absent when none. */
  roles: z.array(z.string().max(100)).max(100).optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** Fields every request from hub to connector carries. */
const RequestEnvelope = z.object({
  invocationId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  /** Absolute deadline, epoch milliseconds. Work past it is wasted: the hub has already answered. */
  deadline: z.number().int().positive(),
  principal: PrincipalSchema,
  traceparent: z.string().max(100).optional(),
  /** Where to publish this invocation's {@link HubEventSchema} events (the calling hub's inbox). */
  eventsSubject: z.string().max(200).optional(),
  /** True when the MCP client asked for progress; otherwise `progress()` in the handler is a no-op. */
  wantsProgress: z.boolean().optional(),
  /**
   * What the call's client can be asked (server-to-client requests, `Subjects.clientRequests`).
   * Absent: the hub cannot forward any (an older hub, or no client session to ask).
   */
  clientCapabilities: z.array(ClientCapabilitySchema).max(3).optional(),
  /** Set when the call is an attempt of a job (the embedded runner): the job's id, the same on every attempt. */
  jobId: z.string().max(100).optional(),
});

export const InvocationRequestSchema = RequestEnvelope.extend({
  tool: ToolNameSchema,
  arguments: z.record(z.string(), z.unknown()),
});
export type InvocationRequest = z.infer<typeof InvocationRequestSchema>;

export const ResourceReadRequestSchema = RequestEnvelope.extend({ uri: z.string().min(1).max(2048) });
export type ResourceReadRequest = z.infer<typeof ResourceReadRequestSchema>;

export const ResourceSubscribeRequestSchema = ResourceReadRequestSchema;
export type ResourceSubscribeRequest = ResourceReadRequest;

export const PromptGetRequestSchema = RequestEnvelope.extend({
  prompt: ToolNameSchema,
  arguments: z.record(z.string(), z.string()).default({}),
});
export type PromptGetRequest = z.infer<typeof PromptGetRequestSchema>;

export const CompletionRequestSchema = RequestEnvelope.extend({
  ref: z.discriminatedUnion('type', [
    z.object({ type: z.literal('prompt'), name: ToolNameSchema }),
    z.object({ type: z.literal('resource'), uriTemplate: z.string().max(2048) }),
  ]),
  argument: z.object({ name: z.string().max(100), value: z.string().max(1000) }),
  context: z.record(z.string(), z.string()).default({}),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

/** What a tool returns. `isError` marks a tool-level failure the model can act on. */
/** `_meta` key of a tool result that is the stored result of an earlier call with the same idempotency key. */
export const REPLAYED_META_KEY = 'mcphub/replayed';
/** `_meta` key of an error result: ms until the call may succeed (a rate limit), also said in the text. */
export const RETRY_AFTER_META_KEY = 'mcphub/retryAfterMs';
/**
 * `_meta` key of a result the hub gave instead of running the call: it waits for a person's
 * approval (`pending`), or a person refused it (`denied`). `id` names the approval
 * (`mcp-hub approvals approve <id>`); `expiresAt` is epoch ms.
 */
export const APPROVAL_META_KEY = 'mcphub/approval';

export const ApprovalMetaSchema = z.strictObject({
  id: z.uuid(),
  status: z.enum(['pending', 'denied']),
  expiresAt: z.number().int().nonnegative(),
});
export type ApprovalMeta = z.infer<typeof ApprovalMetaSchema>;

export const ToolResultSchema = z.object({
  content: z.array(ContentBlockSchema).max(1000),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
  /**
   * MCP result metadata: {@link REPLAYED_META_KEY} (the kit), {@link RETRY_AFTER_META_KEY} (the
   * hub's rate limits), {@link APPROVAL_META_KEY} (the hub's approvals; the hub drops one a
   * connector sends), and other keys passed on to the client as they are: a bridged server's own
   * `_meta` (the bridge drops the hub's and the protocol's reserved keys first, decision 0009).
   */
  _meta: z
    .object({
      [REPLAYED_META_KEY]: z.literal(true).optional(),
      [RETRY_AFTER_META_KEY]: z.number().int().nonnegative().optional(),
      [APPROVAL_META_KEY]: ApprovalMetaSchema.optional(),
    })
    .catchall(z.unknown())
    .refine((meta) => Object.keys(meta).length <= 100, 'at most 100 _meta keys')
    .optional(),
});
export type ToolResult = z.infer<typeof ToolResultSchema>;

export const ResourceReadResultSchema = z.object({ contents: z.array(ResourceContentsSchema).max(1000) });
export type ResourceReadResult = z.infer<typeof ResourceReadResultSchema>;

export const PromptGetResultSchema = z.object({
  description: z.string().max(4000).optional(),
  messages: z.array(PromptMessageSchema).max(100),
});
export type PromptGetResult = z.infer<typeof PromptGetResultSchema>;

export const CompletionResultSchema = z.object({
  values: z.array(z.string().max(1000)).max(100),
  total: z.number().int().min(0).optional(),
  hasMore: z.boolean().optional(),
});
export type CompletionResult = z.infer<typeof CompletionResultSchema>;

/**
 * A reply from a connector. `ok` carries the operation's result (parsed by the receiver with the
 * schema for that operation); `accepted` means a job was enqueued.
 */
export const ReplySchema = replySchemaFor(z.unknown());
export type Reply = z.infer<typeof ReplySchema>;

/**
 * A reply whose `ok` branch is checked against the operation's result schema, so a receiver
 * validates each reply in one pass (it is on every call's path). Build once per operation.
 */
export function replySchemaFor<S extends z.ZodType>(resultSchema: S) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), result: resultSchema }),
    ErrorReplySchema,
    z.object({ status: z.literal('accepted'), jobId: z.string().min(1).max(200) }),
  ]);
}

/**
 * Published by a connector replica to the calling hub's events subject: `started` as soon as a
 * replica takes an invocation (so the hub knows whose loss would orphan it), `progress` while the
 * handler runs.
 */
export const HubEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), invocationId: z.string().max(64), replicaId: z.string().max(64) }),
  z.object({
    type: z.literal('progress'),
    invocationId: z.string().max(64),
    progress: z.number().finite(),
    total: z.number().finite().optional(),
    message: z.string().max(1000).optional(),
  }),
]);
export type HubEvent = z.infer<typeof HubEventSchema>;

/** Published by the hub when the client cancels (MCP `notifications/cancelled`) or the deadline passes. */
export const CancelMessageSchema = z.object({
  invocationId: z.string().max(64),
  reason: z.string().max(500).optional(),
});
export type CancelMessage = z.infer<typeof CancelMessageSchema>;

/** Published by a connector when a resource changed. */
export const ResourceUpdatedSchema = z.object({ uri: z.string().min(1).max(2048) });
export type ResourceUpdated = z.infer<typeof ResourceUpdatedSchema>;
