import { UriTemplate } from '@mcp-hub/connector-kit';

/** One topic's resource; the topic is one percent-encoded segment (`sensors%2Fkitchen%2Ftemp`). */
export const TOPIC_URI_TEMPLATE = 'mqtt://topics/{topic}';
const template = new UriTemplate(TOPIC_URI_TEMPLATE);

export function topicUri(topic: string): string {
  return template.expand({ topic });
}
