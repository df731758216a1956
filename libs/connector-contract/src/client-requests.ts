import { z } from 'zod';

/**
 * Server-to-client requests: a connector's handler asks the MCP client that made the call for
 * something (a person's answer, a model completion, the client's roots). The connector sends a
 * {@link ClientRequestMessageSchema} to the hub that started the call
 * (`Subjects.clientRequests`); that hub sends it to the client in the call's own session and
 * replies with a {@link ClientReplySchema}. Only the fields the hub and the kit rely on are
 * checked strictly; sizes are bounded because a person or a model reads them.
 */

/** What a client may declare, and what a connector may ask for. */
export const ClientCapabilitySchema = z.enum(['elicitation', 'sampling', 'roots']);
export type ClientCapability = z.infer<typeof ClientCapabilitySchema>;

const PrimitiveFieldSchema = z.looseObject({
  type: z.enum(['string', 'number', 'integer', 'boolean', 'array']),
  title: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
});

/** A form-mode elicitation (MCP `elicitation/create`): a message and a flat object schema of primitive fields. */
export const ElicitParamsSchema = z.object({
  mode: z.literal('form').optional(),
  message: z.string().min(1).max(4000),
  requestedSchema: z.object({
    type: z.literal('object'),
    properties: z.record(z.string().max(100), PrimitiveFieldSchema).refine((p) => Object.keys(p).length <= 50, 'at most 50 fields'),
    required: z.array(z.string().max(100)).max(50).optional(),
  }),
});
export type ElicitParams = z.infer<typeof ElicitParamsSchema>;

/** The person's answer: accepted with content, declined, or dismissed (`cancel`). */
export const ElicitResultSchema = z.object({
  action: z.enum(['accept', 'decline', 'cancel']),
  content: z.record(z.string().max(100), z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string().max(1000)).max(100)])).optional(),
});
export type ElicitResult = z.infer<typeof ElicitResultSchema>;

const SamplingContentSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string().max(100_000) }),
  z.looseObject({ type: z.literal('image'), data: z.string().max(5_000_000), mimeType: z.string().max(100) }),
  z.looseObject({ type: z.literal('audio'), data: z.string().max(5_000_000), mimeType: z.string().max(100) }),
]);

/** A sampling request (MCP `sampling/createMessage`, without tools): the client's model answers. */
export const CreateMessageParamsSchema = z.object({
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: SamplingContentSchema })).min(1).max(100),
  maxTokens: z.number().int().positive().max(1_000_000),
  systemPrompt: z.string().max(20_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  stopSequences: z.array(z.string().max(100)).max(20).optional(),
  modelPreferences: z
    .object({
      hints: z.array(z.object({ name: z.string().max(200).optional() })).max(10).optional(),
      costPriority: z.number().min(0).max(1).optional(),
      speedPriority: z.number().min(0).max(1).optional(),
      intelligencePriority: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
export type CreateMessageParams = z.infer<typeof CreateMessageParamsSchema>;

export const CreateMessageResultSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: SamplingContentSchema,
  model: z.string().max(200),
  stopReason: z.string().max(100).optional(),
});
export type CreateMessageResult = z.infer<typeof CreateMessageResultSchema>;

export const ListRootsResultSchema = z.object({
  roots: z.array(z.object({ uri: z.string().startsWith('file://').max(2048), name: z.string().max(200).optional() })).max(1000),
});
export type ListRootsResult = z.infer<typeof ListRootsResultSchema>;

/** One server-to-client request, by MCP method. */
export const ClientRequestSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('elicitation/create'), params: ElicitParamsSchema }),
  z.object({ method: z.literal('sampling/createMessage'), params: CreateMessageParamsSchema }),
  z.object({ method: z.literal('roots/list') }),
]);
export type ClientRequest = z.infer<typeof ClientRequestSchema>;

/** The capability a client must have declared for each method. */
export const CAPABILITY_FOR_METHOD: Record<ClientRequest['method'], ClientCapability> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

/** The result schema of each method: the hub checks the client's answer with it, the kit again on arrival. */
export const CLIENT_RESULT_SCHEMAS = {
  'elicitation/create': ElicitResultSchema,
  'sampling/createMessage': CreateMessageResultSchema,
  'roots/list': ListRootsResultSchema,
} as const;

/**
 * Connector → the hub that started the call. The hub forwards it only while that call is in
 * flight, routed to the sending connector (the subject names it) and, once claimed, to the
 * sending replica: a connector cannot reach a session through a call it is not serving.
 */
export const ClientRequestMessageSchema = z.object({
  invocationId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  replicaId: z.string().max(64),
  request: ClientRequestSchema,
});
export type ClientRequestMessage = z.infer<typeof ClientRequestMessageSchema>;

/**
 * Why a server-to-client request got no answer:
 * - `capability_missing`: the client did not declare the capability (ask differently, or go on without);
 * - `unsupported`: the call's client cannot be asked at all (stdio without one, a 2026-era client; see ADR 0004);
 * - `cancelled`: the client cancelled the call while the request waited;
 * - `timeout`: the call's deadline passed before the client answered;
 * - `refused`: the hub does not know the call as one of this connector's in flight;
 * - `client_error`: the client answered with an error or an answer that breaks the schema;
 * - `unavailable`: the hub that holds the call could not be reached.
 */
export const ClientRequestErrorKindSchema = z.enum(['capability_missing', 'unsupported', 'cancelled', 'timeout', 'refused', 'client_error', 'unavailable']);
export type ClientRequestErrorKind = z.infer<typeof ClientRequestErrorKindSchema>;

/** Hub → connector: the client's answer (checked against the method's result schema), or why there is none. */
export const ClientReplySchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), result: z.unknown() }),
  z.object({ status: z.literal('error'), kind: ClientRequestErrorKindSchema, message: z.string().max(1000) }),
]);
export type ClientReply = z.infer<typeof ClientReplySchema>;
