import { z } from 'zod';
import { ToolError } from '@mcp-hub/connector-kit';
import { qualifiedToolName } from '@mcp-hub/connector-contract';
import { MQTT_CONNECTOR_ID } from '../connector-id';
import type { MqttDeps } from '../mqtt-deps';
import { topicNameProblem } from '../topic-filter';

export const TopicArgumentSchema = z.string().min(1).max(1024).describe('One MQTT topic name (no wildcards), e.g. sensors/kitchen/temperature.');

/**
 * Checks that `topic` is a topic name under one of the configured subscriptions.
 * @throws ToolError `invalid_arguments` saying what to change.
 */
export function checkWatchedTopic(topic: string, deps: MqttDeps): void {
  const problem = topicNameProblem(topic);
  if (problem) throw new ToolError('invalid_arguments', `topic: ${problem}.`);
  if (deps.window.subscriptionOf(topic) < 0) {
    const filters = deps.window.subscriptions.map((s) => s.filter).join(', ');
    throw new ToolError('invalid_arguments', `topic: not under a watched topic filter (${filters}); find topics with ${qualifiedToolName(MQTT_CONNECTOR_ID, 'list_topics')}.`);
  }
}
