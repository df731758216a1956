import { findInvisibleCharacter } from '@mcp-hub/connector-kit';
import { topicMatches } from './topic-filter';

/** One message as the window keeps it. */
export interface StoredMessage {
  topic: string;
  /** Epoch ms when this replica received it (never earlier than the topic's previous message). */
  receivedAt: number;
  /** Increases with every message this window takes; with `receivedAt` it orders pages. */
  seq: number;
  /** The payload, cut to the window's `maxPayloadBytes`. */
  payload: Buffer;
  /** The payload's size as published, in bytes. */
  size: number;
  retained: boolean;
  qos: 0 | 1 | 2;
}

/** A subscription from the configuration and the bounds of what it keeps. */
export interface WindowSubscription {
  filter: string;
  /** Messages kept per topic; older ones are dropped. */
  maxMessagesPerTopic: number;
  /** Topics kept under this filter; the one updated least recently is dropped for a new one. */
  maxTopics: number;
}

/** A message as it arrives from the broker. */
export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  retained: boolean;
  qos: 0 | 1 | 2;
}

/** Why the window did not keep a message. */
export type Refusal = 'no_subscription' | 'unsafe_topic' | 'retained_repeat';

/** A ring of the latest messages of one topic: pushes are O(1), reads copy at most `capacity`. */
class TopicSeries {
  private messages: StoredMessage[] = [];

  constructor(private readonly capacity: number) {}

  push(message: StoredMessage): void {
    this.messages.push(message);
    // Compact once the array holds twice the capacity: amortised O(1) per push.
    if (this.messages.length >= this.capacity * 2) this.messages = this.messages.slice(-this.capacity);
  }

  all(): StoredMessage[] {
    return this.messages.length > this.capacity ? this.messages.slice(-this.capacity) : [...this.messages];
  }

  get latest(): StoredMessage | undefined {
    return this.messages.at(-1);
  }

  get size(): number {
    return Math.min(this.messages.length, this.capacity);
  }
}

/**
 * The bounded in-memory window of the latest messages per topic, grouped by the configured
 * subscription (topic filter) each topic falls under: the first filter in configuration order
 * that matches it. Memory is bounded by filters × `maxTopics` × `maxMessagesPerTopic` ×
 * `maxPayloadBytes`.
 *
 * Topic names are chosen by devices, so they are third-party text too; a topic holding an
 * invisible, bidirectional or control character, or an angle bracket, is not kept at all (it
 * could not be shown to a model as it is, and a cleaned copy would name another topic).
 */
export class MessageWindow {
  private readonly series: Array<Map<string, TopicSeries>>;
  private seq = 0;
  /** Messages not kept, by reason, since start. */
  readonly refused: Record<Refusal, number> = { no_subscription: 0, unsafe_topic: 0, retained_repeat: 0 };
  /** Topics dropped to make room for newer ones, since start. */
  evictedTopics = 0;

  constructor(
    readonly subscriptions: readonly WindowSubscription[],
    readonly maxPayloadBytes: number,
  ) {
    this.series = subscriptions.map(() => new Map());
  }

  /** The index of the subscription `topic` falls under, or -1. */
  subscriptionOf(topic: string): number {
    return this.subscriptions.findIndex((s) => topicMatches(s.filter, topic));
  }

  /**
   * Keeps a message; returns the stored message, or why it was not kept. A retained message
   * equal to the topic's latest one is the broker repeating it on a resubscription (after a
   * reconnect), not a new reading, and is not kept twice.
   */
  add(message: IncomingMessage, now: number): StoredMessage | Refusal {
    const index = this.subscriptionOf(message.topic);
    if (index < 0) return this.refuse('no_subscription');
    if (!isSafeTopic(message.topic)) return this.refuse('unsafe_topic');
    const topics = this.series[index]!;
    const series = topics.get(message.topic);
    const latest = series?.latest;
    if (message.retained && latest && latest.payload.equals(message.payload.subarray(0, this.maxPayloadBytes))) return this.refuse('retained_repeat');
    const stored: StoredMessage = {
      topic: message.topic,
      receivedAt: Math.max(now, latest?.receivedAt ?? 0),
      seq: ++this.seq,
      payload: Buffer.from(message.payload.subarray(0, this.maxPayloadBytes)),
      size: message.payload.length,
      retained: message.retained,
      qos: message.qos,
    };
    this.put(index, series ?? new TopicSeries(this.subscriptions[index]!.maxMessagesPerTopic), stored);
    return stored;
  }

  /** Puts back a message read from a persisted window (keeping its time), as `add` would have kept it. */
  restore(message: Omit<StoredMessage, 'seq'>): void {
    const index = this.subscriptionOf(message.topic);
    if (index < 0 || !isSafeTopic(message.topic)) return;
    const series = this.series[index]!.get(message.topic) ?? new TopicSeries(this.subscriptions[index]!.maxMessagesPerTopic);
    const latest = series.latest;
    if (latest && message.receivedAt < latest.receivedAt) return;
    this.put(index, series, { ...message, payload: message.payload.subarray(0, this.maxPayloadBytes), seq: ++this.seq });
  }

  /** Every topic kept, sorted by name. */
  topics(): string[] {
    return this.series.flatMap((topics) => [...topics.keys()]).sort();
  }

  latest(topic: string): StoredMessage | undefined {
    return this.seriesOf(topic)?.latest;
  }

  /** The messages kept for `topic`, oldest first. */
  history(topic: string): StoredMessage[] {
    return this.seriesOf(topic)?.all() ?? [];
  }

  /** How many messages are kept for `topic`. */
  count(topic: string): number {
    return this.seriesOf(topic)?.size ?? 0;
  }

  /** Every message kept, for persistence. */
  all(): StoredMessage[] {
    return this.series.flatMap((topics) => [...topics.values()].flatMap((s) => s.all()));
  }

  private put(index: number, series: TopicSeries, stored: StoredMessage): void {
    const topics = this.series[index]!;
    series.push(stored);
    // Re-inserting moves the topic to the end: the first key is always the least recently updated.
    topics.delete(stored.topic);
    topics.set(stored.topic, series);
    if (topics.size > this.subscriptions[index]!.maxTopics) {
      topics.delete(topics.keys().next().value!);
      this.evictedTopics++;
    }
  }

  private seriesOf(topic: string): TopicSeries | undefined {
    const index = this.subscriptionOf(topic);
    return index < 0 ? undefined : this.series[index]!.get(topic);
  }

  private refuse(reason: Refusal): Refusal {
    this.refused[reason]++;
    return reason;
  }
}

/** A topic that can be shown to a model as it is. */
export function isSafeTopic(topic: string): boolean {
  return findInvisibleCharacter(topic) === undefined && !/[<>\uFF1C\uFF1E\uFE64\uFE65]/.test(topic) && topic === topic.normalize('NFC');
}
