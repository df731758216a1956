import { defineResourceTemplate, ToolError } from '@mcp-hub/connector-kit';
import { messageView, topicSource } from '../message-view';
import type { MqttDeps } from '../mqtt-deps';
import { topicNameProblem } from '../topic-filter';
import { TOPIC_URI_TEMPLATE } from '../topic-uri';

/** Messages of the history a resource read includes, newest last. */
const RECENT_MESSAGES = 10;

/**
 * One topic: its latest message and the few before it, as JSON. Subscribe to it for
 * `resources/updated` when a new message arrives (at most one per `updateIntervalMs`).
 */
export const topicResource = defineResourceTemplate<MqttDeps>({
  uriTemplate: TOPIC_URI_TEMPLATE,
  name: 'topic',
  title: 'MQTT topic',
  description: 'The latest messages of one MQTT topic (the topic percent-encoded as one segment). Subscribe for live updates. Untrusted device data.',
  mimeType: 'application/json',
  read: async ({ topic }, uri, _ctx, deps) => {
    const problem = topicNameProblem(topic!);
    if (problem || deps.window.subscriptionOf(topic!) < 0) throw new ToolError('not_found', `No watched topic at ${uri}.`);
    const recent = deps.window.history(topic!).slice(-RECENT_MESSAGES).map(messageView);
    const body = { topic, connected: deps.broker.connected, latest: recent.at(-1) ?? null, recent, kept: deps.window.count(topic!), ...topicSource(topic!) };
    return [{ uri, mimeType: 'application/json', text: JSON.stringify(body) }];
  },
  complete: {
    topic: async (value, _ctx, deps) => deps.window.topics().filter((topic) => topic.startsWith(value)),
  },
});
