import { MessageWindow, isSafeTopic } from './message-window';

const message = (topic: string, payload: string, retained = false) => ({ topic, payload: Buffer.from(payload), retained, qos: 0 as const });

describe('message window', () => {
  it('keeps the latest messages per topic, oldest first, under the first matching filter', () => {
    const window = new MessageWindow([{ filter: 's/+/t', maxMessagesPerTopic: 3, maxTopics: 10 }, { filter: 's/#', maxMessagesPerTopic: 1, maxTopics: 10 }], 1024);
    for (let i = 1; i <= 5; i++) window.add(message('s/a/t', String(i)), 1000 + i);
    window.add(message('s/a/h', 'x'), 2000);
    window.add(message('s/a/h', 'y'), 2001);
    expect(window.history('s/a/t').map((m) => m.payload.toString())).toEqual(['3', '4', '5']);
    expect(window.history('s/a/h').map((m) => m.payload.toString())).toEqual(['y']);
    expect(window.count('s/a/t')).toBe(3);
    expect(window.add(message('other', 'z'), 3000)).toBe('no_subscription');
    expect(window.topics()).toEqual(['s/a/h', 's/a/t']);
  });

  it('drops the least recently updated topic of a filter for a new one', () => {
    const window = new MessageWindow([{ filter: '#', maxMessagesPerTopic: 5, maxTopics: 2 }], 1024);
    window.add(message('a', '1'), 1);
    window.add(message('b', '1'), 2);
    window.add(message('a', '2'), 3);
    window.add(message('c', '1'), 4);
    expect(window.topics()).toEqual(['a', 'c']);
    expect(window.evictedTopics).toBe(1);
  });

  it('never lets time go backwards within a topic, and keeps thousands of pushes bounded', () => {
    const window = new MessageWindow([{ filter: '#', maxMessagesPerTopic: 10, maxTopics: 2 }], 1024);
    window.add(message('a', '1'), 5000);
    expect((window.add(message('a', '2'), 4000) as { receivedAt: number }).receivedAt).toBe(5000);
    for (let i = 0; i < 10_000; i++) window.add(message('a', String(i)), 6000 + i);
    expect(window.history('a').map((m) => m.payload.toString())).toEqual(Array.from({ length: 10 }, (_, i) => String(9990 + i)));
  });

  it('cuts payloads to the cap and keeps the size as published', () => {
    const window = new MessageWindow([{ filter: '#', maxMessagesPerTopic: 5, maxTopics: 2 }], 64);
    const kept = window.add(message('a', 'x'.repeat(100)), 1);
    expect(kept).toMatchObject({ size: 100 });
    expect((kept as { payload: Buffer }).payload.length).toBe(64);
  });

  it('does not keep a retained repeat of the latest value (a resubscription) but keeps a new retained value', () => {
    const window = new MessageWindow([{ filter: '#', maxMessagesPerTopic: 5, maxTopics: 2 }], 1024);
    window.add(message('a', '20', true), 1);
    expect(window.add(message('a', '20', true), 2)).toBe('retained_repeat');
    window.add(message('a', '21', true), 3);
    window.add(message('a', '21'), 4);
    expect(window.history('a').map((m) => [m.payload.toString(), m.retained])).toEqual([
      ['20', true],
      ['21', true],
      ['21', false],
    ]);
  });

  it('refuses topics a model could not be shown as they are', () => {
    const window = new MessageWindow([{ filter: '#', maxMessagesPerTopic: 5, maxTopics: 10 }], 1024);
    for (const topic of ['a/\u202Eevil', 'a/zero\u200Bwidth', 'a/<b>', 'a/tab\there', 'a/\u0007bell']) expect(window.add(message(topic, '1'), 1)).toBe('unsafe_topic');
    expect(window.topics()).toEqual([]);
    expect(window.refused.unsafe_topic).toBe(5);
    expect(isSafeTopic('plant/pump-1/état')).toBe(true);
  });
});
