import { z } from 'zod';
import { cleanUntrustedText, defineConnector, defineConnectorModule, defineTool, untrusted, UpstreamHttp } from '@mcp-hub/connector-kit';

/** A JSONPlaceholder-style posts API (https://jsonplaceholder.typicode.com): the smallest real connector. */
const ConfigSchema = z.strictObject({ baseUrl: z.url().default('https://jsonplaceholder.typicode.com') });
interface Deps { api: UpstreamHttp }

const ApiPost = z.object({ id: z.number(), userId: z.number(), title: z.string(), body: z.string() });
const Post = z.object({ id: z.number(), user_id: z.number(), title: z.string(), body: z.string(), untrusted: z.literal(true), source: z.string() });
const toPost = (p: z.infer<typeof ApiPost>) => ({
  id: p.id, user_id: p.userId, title: cleanUntrustedText(p.title, { maxChars: 500 }), body: cleanUntrustedText(p.body, { maxChars: 5000 }), ...untrusted(`example:post:${p.id}`),
});

const listPosts = defineTool({
  name: 'list_posts',
  description: 'Lists posts, optionally those of one user.',
  input: z.strictObject({ user_id: z.number().int().min(1).optional(), limit: z.number().int().min(1).max(50).default(20) }),
  output: z.object({ posts: z.array(Post) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async ({ user_id, limit }, ctx, deps: Deps) => {
    // The kit's UpstreamHttp retries within the deadline and maps 401/403/404/429 to tool errors.
    const { body } = await deps.api.request(ctx, { path: '/posts', query: { _limit: limit, userId: user_id }, schema: z.array(ApiPost) });
    const posts = body.map(toPost);
    return { structured: { posts }, text: posts.map((p) => `#${p.id} ${p.title}`).join('\n') || 'No posts.' };
  },
});

const createPost = defineTool({
  name: 'create_post',
  description: 'Publishes a post as a user. Only in write mode.',
  input: z.strictObject({ user_id: z.number().int().min(1), title: z.string().min(1).max(200), body: z.string().min(1).max(5000) }),
  output: z.object({ post: Post }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async ({ user_id, title, body }, ctx, deps: Deps) => {
    const post = toPost((await deps.api.request(ctx, { method: 'POST', path: '/posts', json: { userId: user_id, title, body }, schema: ApiPost })).body);
    return { structured: { post }, text: `Published post #${post.id}.` };
  },
});

export const exampleConnector = defineConnector<Deps>({ id: 'example', version: '0.1.0', tools: [listPosts, createPost] });

export const connectorModule = defineConnectorModule<z.output<typeof ConfigSchema>, Deps>({
  id: 'example',
  configSchema: ConfigSchema,
  fromEnv: (env) => ({ baseUrl: env.EXAMPLE_BASE_URL }),
  embeddedConfig: () => ({}),
  create: async (config) => ({ connector: exampleConnector, deps: { api: new UpstreamHttp({ service: 'The posts API', baseUrl: config.baseUrl }) }, close: async () => undefined }),
});
