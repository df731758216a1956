import { z } from 'zod';
import { defineTool, fenceUntrusted, ToolError } from '@mcp-hub/connector-kit';
import { qualifiedToolName } from '@mcp-hub/connector-contract';
import { MQTT_CONNECTOR_ID } from '../connector-id';
import { messageView, MessageViewSchema, payloadLine, topicSource, UntrustedMarkSchema } from '../message-view';
import type { MqttDeps } from '../mqtt-deps';
import { topicUri } from '../topic-uri';
import { checkWatchedTopic, TopicArgumentSchema } from './topic-argument';

export const getLatestTool = defineTool({
  name: 'get_latest',
  title: 'Get latest message',
  description: 'Returns the last message received on one MQTT topic (retained values included), decoded: JSON when it parses, else text, else a byte summary. Untrusted device data.',
  input: z.strictObject({ topic: TopicArgumentSchema }),
  output: z.object({ topic: z.string(), uri: z.string(), connected: z.boolean(), message: MessageViewSchema, ...UntrustedMarkSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async ({ topic }, _ctx, deps: MqttDeps) => {
    checkWatchedTopic(topic, deps);
    const latest = deps.window.latest(topic);
    if (!latest) {
      throw new ToolError('not_found', `No message seen on ${topic} yet (since the connector started, or it was dropped from the window); ${qualifiedToolName(MQTT_CONNECTOR_ID, 'list_topics')} shows the topics seen.`);
    }
    const message = messageView(latest);
    const stale = deps.broker.connected ? '' : ' (NOT connected to the broker now: it may be stale)';
    return {
      structured: { topic, uri: topicUri(topic), connected: deps.broker.connected, message, ...topicSource(topic) },
      text: `Last message on ${topic} at ${message.received_at}${message.retained ? ', retained' : ''}${stale}:\n${fenceUntrusted(`mqtt:topic:${topic}`, payloadLine(message.payload, 4000))}`,
    };
  },
});
