import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { MessageWindow } from './message-window';

const FILE_VERSION = 1;

const PersistedWindowSchema = z.object({
  version: z.literal(FILE_VERSION),
  messages: z.array(
    z.object({
      topic: z.string().min(1),
      receivedAt: z.number().int().min(0),
      payload: z.base64(),
      size: z.number().int().min(0),
      retained: z.boolean(),
      qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    }),
  ),
});

/**
 * The window persisted in one JSON file, written whole through a temporary file and a rename
 * (a crash leaves the old file or the new one, never half of one). What is read back is bounded
 * by the window's current limits, whatever the file holds.
 */
export class WindowFile {
  constructor(readonly path: string) {}

  /**
   * Puts the file's messages back into `window`; returns how many there were. A missing file is
   * an empty window.
   * @throws when the file exists but is not a window file (an operator must look at it).
   */
  load(window: MessageWindow): number {
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const parsed = PersistedWindowSchema.safeParse(parseJson(raw));
    if (!parsed.success) throw new Error(`${this.path} is not an MQTT window file (version ${FILE_VERSION}): move it away or fix connectors.mqtt.persistence.path`);
    const messages = parsed.data.messages.sort((a, b) => a.receivedAt - b.receivedAt);
    for (const m of messages) window.restore({ ...m, payload: Buffer.from(m.payload, 'base64') });
    return messages.length;
  }

  save(window: MessageWindow): void {
    const messages = window.all().map((m) => ({ topic: m.topic, receivedAt: m.receivedAt, payload: m.payload.toString('base64'), size: m.size, retained: m.retained, qos: m.qos }));
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: FILE_VERSION, messages }), { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
