import { readFileSync } from 'node:fs';
import { ConnectorConfigError } from './connector-config';

/**
 * The JSON object in a configuration file.
 * @throws ConnectorConfigError for an unreadable file, invalid JSON (with line and column), or
 *   JSON that is not an object.
 */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConnectorConfigError(`cannot read configuration file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConnectorConfigError(`configuration file ${file} is not valid JSON: ${withLineAndColumn((error as Error).message, text)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConnectorConfigError(`configuration file ${file} must hold a JSON object ({ ... }), not ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}`);
  }
  return value as Record<string, unknown>;
}

/** Adds the line and column to a JSON.parse message that only gives a character position. */
function withLineAndColumn(message: string, text: string): string {
  const position = /at position (\d+)/.exec(message);
  if (!position || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}
