import { z } from 'zod';
import { ConnectorIdSchema, ToolNameSchema } from './names';

/** A JSON Schema object as sent on the wire. MCP requires tool schemas to describe an object. */
export const ObjectJsonSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema['type'] === 'object', { message: 'schema must have "type": "object"' });
export type ObjectJsonSchema = z.infer<typeof ObjectJsonSchema>;

/** Tool annotations. All four hints are required: a connector states them, nobody guesses. */
export const ToolAnnotationsSchema = z.object({
  title: z.string().max(200).optional(),
  readOnlyHint: z.boolean(),
  destructiveHint: z.boolean(),
  idempotentHint: z.boolean(),
  openWorldHint: z.boolean(),
});
export type ToolAnnotations = z.infer<typeof ToolAnnotationsSchema>;

/** How a tool runs: inline within the request (`sync`) or as a background job (`job`). */
export const ExecutionSchema = z.enum(['sync', 'job']);

export const ToolDescriptorSchema = z.object({
  name: ToolNameSchema,
  title: z.string().max(200).optional(),
  description: z.string().max(4000),
  inputSchema: ObjectJsonSchema,
  outputSchema: ObjectJsonSchema.optional(),
  annotations: ToolAnnotationsSchema,
  execution: ExecutionSchema.default('sync'),
  /** Scopes a principal needs to see and call the tool. */
  scopes: z.array(z.string().min(1).max(100)).default([]),
});
export type ToolDescriptor = z.infer<typeof ToolDescriptorSchema>;

export const ResourceDescriptorSchema = z.object({
  uri: z.string().min(1).max(2048),
  name: z.string().min(1).max(200),
  title: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  mimeType: z.string().max(200).optional(),
  /** Scopes a principal needs to see and use it (absent: none). */
  scopes: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export type ResourceDescriptor = z.infer<typeof ResourceDescriptorSchema>;

export const ResourceTemplateDescriptorSchema = z.object({
  /** RFC 6570 level-1 template, e.g. `helpdesk://tickets/{id}`. */
  uriTemplate: z.string().min(1).max(2048),
  name: z.string().min(1).max(200),
  title: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  mimeType: z.string().max(200).optional(),
  /** Scopes a principal needs to see and use it (absent: none). */
  scopes: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export type ResourceTemplateDescriptor = z.infer<typeof ResourceTemplateDescriptorSchema>;

export const PromptArgumentSchema = z.object({
  name: z.string().min(1).max(100),
  description: z.string().max(1000).optional(),
  required: z.boolean().default(false),
});

export const PromptDescriptorSchema = z.object({
  name: ToolNameSchema,
  title: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  arguments: z.array(PromptArgumentSchema).default([]),
  /** Scopes a principal needs to see and use it (absent: none). */
  scopes: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export type PromptDescriptor = z.infer<typeof PromptDescriptorSchema>;

/** What a connector offers. Sent in every announcement; the hub's inventory is the union of live manifests. */
export const ManifestSchema = z.object({
  id: ConnectorIdSchema,
  version: z.string().min(1).max(50),
  contractVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  title: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  tools: z.array(ToolDescriptorSchema).max(500),
  resources: z.array(ResourceDescriptorSchema).max(1000).default([]),
  resourceTemplates: z.array(ResourceTemplateDescriptorSchema).max(200).default([]),
  prompts: z.array(PromptDescriptorSchema).max(200).default([]),
  /** `ed25519:<base64url>`, the connector's signature over the rest of the manifest (see `signManifest`); hubs with a key for the connector verify it. */
  signature: z.string().max(200).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;

/**
 * Resource URIs and templates a connector announces must use its own scheme, `<id>://`: the hub
 * routes a URI to the connector its scheme names, so one connector cannot take over another's
 * resources (or catch every URI with a template like `{a}://{b}`). Returns the first URI or
 * template that breaks the rule, or undefined.
 */
export function foreignResource(manifest: Pick<Manifest, 'id' | 'resources' | 'resourceTemplates'>): string | undefined {
  const own = `${manifest.id}://`;
  const uris = [...manifest.resources.map((r) => r.uri), ...manifest.resourceTemplates.map((t) => t.uriTemplate)];
  return uris.find((uri) => !uri.startsWith(own));
}
