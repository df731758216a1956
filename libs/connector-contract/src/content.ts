import { z } from 'zod';

/**
 * MCP content blocks as connectors return them. Only the fields the hub relies on are checked;
 * unknown fields pass through so that newer MCP content (annotations, _meta) survives the hop.
 */
const TextContent = z.looseObject({ type: z.literal('text'), text: z.string() });
const ImageContent = z.looseObject({ type: z.literal('image'), data: z.string(), mimeType: z.string() });
const AudioContent = z.looseObject({ type: z.literal('audio'), data: z.string(), mimeType: z.string() });
const ResourceLink = z.looseObject({ type: z.literal('resource_link'), uri: z.string(), name: z.string() });
const EmbeddedResource = z.looseObject({
  type: z.literal('resource'),
  resource: z.looseObject({ uri: z.string() }),
});

export const ContentBlockSchema = z.discriminatedUnion('type', [
  TextContent,
  ImageContent,
  AudioContent,
  ResourceLink,
  EmbeddedResource,
]);
export type ContentBlock = z.infer<typeof ContentBlockSchema>;

/** One item of a resource read: text or base64 blob. */
export const ResourceContentsSchema = z.union([
  z.looseObject({ uri: z.string(), mimeType: z.string().optional(), text: z.string() }),
  z.looseObject({ uri: z.string(), mimeType: z.string().optional(), blob: z.string() }),
]);
export type ResourceContents = z.infer<typeof ResourceContentsSchema>;

export const PromptMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: ContentBlockSchema,
});
export type PromptMessage = z.infer<typeof PromptMessageSchema>;
