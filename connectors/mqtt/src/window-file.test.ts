import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageWindow } from './message-window';
import { WindowFile } from './window-file';

describe('window file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mqtt-window-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const window = (maxMessagesPerTopic: number) => new MessageWindow([{ filter: 'a/#', maxMessagesPerTopic, maxTopics: 10 }], 1024);

  it('writes the window readable by its owner only and reads it back within the current bounds', () => {
    const file = new WindowFile(join(dir, 'nested', 'window.json'));
    const before = window(10);
    for (let i = 1; i <= 5; i++) before.add({ topic: 'a/x', payload: Buffer.from([i, 0xff]), retained: i === 1, qos: 1 }, 1000 * i);
    before.add({ topic: 'a/y', payload: Buffer.from('y'), retained: false, qos: 0 }, 9000);
    file.save(before);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);

    const after = window(3);
    expect(file.load(after)).toBe(6);
    expect(after.history('a/x').map((m) => [m.receivedAt, m.payload[0], m.retained, m.qos])).toEqual([
      [3000, 3, false, 1],
      [4000, 4, false, 1],
      [5000, 5, false, 1],
    ]);
    expect(after.topics()).toEqual(['a/x', 'a/y']);
  });

  it('starts empty without a file and refuses a file that is not a window', () => {
    expect(new WindowFile(join(dir, 'missing.json')).load(window(3))).toBe(0);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    expect(() => new WindowFile(bad).load(window(3))).toThrow(/is not an MQTT window file/);
    writeFileSync(bad, JSON.stringify({ version: 1, messages: [{ topic: 'a/x' }] }));
    expect(() => new WindowFile(bad).load(window(3))).toThrow(/is not an MQTT window file/);
  });
});
