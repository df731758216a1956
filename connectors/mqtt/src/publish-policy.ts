import { ToolError } from '@mcp-hub/connector-kit';
import { topicMatches, topicNameProblem } from './topic-filter';

/** What `publish` may do, from the configuration's `publish` section. */
export interface PublishLimits {
  /** Topic filters a topic must match; empty refuses every publish. */
  allowTopics: readonly string[];
  maxPayloadBytes: number;
  maxQos: 0 | 1 | 2;
  allowRetain: boolean;
}

export interface PublishRequest {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/**
 * Checks a publish against the connector's limits, in the order a model can fix them. Nothing is
 * lowered silently: a QoS above the cap or a retain flag that is not allowed is refused, so the
 * caller never believes it published something it did not.
 * @throws ToolError `invalid_arguments` for a malformed topic or a payload over the cap,
 *   `forbidden` for a topic outside the allowlist, a `$` topic, a QoS or retain beyond the limits.
 */
export function checkPublish(request: PublishRequest, limits: PublishLimits): void {
  const problem = topicNameProblem(request.topic);
  if (problem) throw new ToolError('invalid_arguments', `topic: ${problem}.`);
  // `$` topics belong to the broker ($SYS statistics, $share subscriptions): clients never publish there.
  if (request.topic.startsWith('$')) throw new ToolError('forbidden', 'Topics starting with "$" are reserved for the broker; publishing there is never allowed.');
  if (!limits.allowTopics.some((filter) => topicMatches(filter, request.topic))) {
    const allowed = limits.allowTopics.length > 0 ? `Allowed topic filters: ${limits.allowTopics.join(', ')}.` : 'No topic is allowed: the connector\'s configuration lists none (allowTopics).';
    throw new ToolError('forbidden', `Publishing to this topic is not allowed. ${allowed}`);
  }
  const bytes = Buffer.byteLength(request.payload, 'utf8');
  if (bytes > limits.maxPayloadBytes) throw new ToolError('invalid_arguments', `payload: ${bytes} bytes, more than the ${limits.maxPayloadBytes} allowed.`);
  if (request.qos > limits.maxQos) throw new ToolError('forbidden', `qos: at most ${limits.maxQos} is allowed.`);
  if (request.retain && !limits.allowRetain) throw new ToolError('forbidden', 'retain: retained publishes are not allowed by this connector.');
}
