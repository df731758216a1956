import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent, ToolError } from '@mcp-hub/connector-kit';
import type { MqttDeps } from '../mqtt-deps';
import { checkPublish } from '../publish-policy';

const name = 'publish';

export const publishTool = defineTool({
  name,
  title: 'Publish message',
  description:
    'Publishes one message to an MQTT topic, e.g. a command to a device. Only topics in the connector\'s allowlist; the payload size, QoS and retain flag are bounded by its configuration. Devices act on it: it may change the physical world.',
  input: z.strictObject({
    topic: z.string().min(1).max(1024).describe('One topic name (no wildcards) matching the allowlist, e.g. devices/pump-1/cmd.'),
    payload: z.string().max(256 * 1024).describe('Sent as UTF-8; send JSON as its text.'),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0).describe('0, 1 or 2, up to the configured maximum.'),
    retain: z.boolean().default(false).describe('Ask the broker to keep it as the topic\'s retained value (only where configured).'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ topic: z.string(), bytes: z.number().int(), qos: z.number().int(), retain: z.boolean(), published_at: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: MqttDeps) => {
    checkPublish(args, deps.publish);
    return runIdempotent(deps.idempotency, ctx, name, args, async () => {
      if (!deps.broker.connected) throw new ToolError('upstream', 'Not connected to the MQTT broker now; nothing was published. Try again later.');
      try {
        await deps.broker.publish(args.topic, args.payload, { qos: args.qos, retain: args.retain }, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.logger.warn({ reason: (error as Error).message }, 'mqtt message not published');
        throw new ToolError('upstream', 'The broker did not take the message (connection lost or refused). It may or may not have been delivered.');
      }
      const bytes = Buffer.byteLength(args.payload, 'utf8');
      return {
        structured: { topic: args.topic, bytes, qos: args.qos, retain: args.retain, published_at: new Date(deps.now()).toISOString() },
        text: `Published ${bytes} bytes to ${args.topic} (QoS ${args.qos}${args.retain ? ', retained' : ''}).`,
      };
    });
  },
});
