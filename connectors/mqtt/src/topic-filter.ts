/**
 * MQTT topic names and filters (MQTT 3.1.1 §4.7 and 5.0 §4.7): levels split on `/`, `+` matches
 * exactly one level (an empty one too), `#` matches the parent level and any number below it and
 * must be last, and a filter starting with a wildcard never matches a topic starting with `$`
 * (`$SYS/…` and other broker-reserved topics are reached only by filters that name them).
 */

/** The broker limit on a topic, in UTF-8 bytes (a two-byte length prefix). */
export const MAX_TOPIC_BYTES = 65_535;

/** Why `filter` is not a valid topic filter, or undefined when it is. */
export function topicFilterProblem(filter: string): string | undefined {
  const basic = commonProblem(filter);
  if (basic) return basic;
  const levels = filter.split('/');
  for (const [index, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || index !== levels.length - 1)) return '"#" must be a whole level and the last one';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return undefined;
}

/** Why `topic` cannot be published to or read as one topic (a topic name, no wildcards), or undefined when it can. */
export function topicNameProblem(topic: string): string | undefined {
  const basic = commonProblem(topic);
  if (basic) return basic;
  if (topic.includes('+') || topic.includes('#')) return 'a topic name has no wildcards ("+" or "#")';
  return undefined;
}

function commonProblem(text: string): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (Buffer.byteLength(text, 'utf8') > MAX_TOPIC_BYTES) return `longer than ${MAX_TOPIC_BYTES} bytes`;
  if (text.includes('\u0000')) return 'contains a NUL character';
  return undefined;
}

/** Whether topic name `topic` matches topic filter `filter`. Both must be valid. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i]!;
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
