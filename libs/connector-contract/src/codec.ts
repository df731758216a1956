import type { z } from 'zod';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a message for the bus. */
export function encode(message: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/**
 * Decodes and validates a bus message. Every message that crosses a process boundary goes
 * through here.
 * @throws MalformedMessageError with a short description (never the payload) when the bytes are not valid JSON or fail the schema.
 */
export function decode<S extends z.ZodType>(schema: S, data: Uint8Array): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch {
    throw new MalformedMessageError('message is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedMessageError(`message does not match the contract: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** {@link decode}, or undefined for a malformed message: for subscribers that drop what they cannot read. */
export function tryDecode<S extends z.ZodType>(schema: S, data: Uint8Array): z.infer<S> | undefined {
  try {
    return decode(schema, data);
  } catch (error) {
    if (error instanceof MalformedMessageError) return undefined;
    throw error;
  }
}
