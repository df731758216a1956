import { Redactor } from '@mcp-hub/connector-kit';

/** Longest value shown, in characters; the rest is cut with a note. */
const MAX_VALUE_CHARS = 200;
/** Longest summary, in characters (an elicitation message holds at most 4000). */
const MAX_SUMMARY_CHARS = 2500;
const MAX_ENTRIES = 30;
const MAX_DEPTH = 4;

/** Argument names whose values are never shown, whatever they look like. */
const SECRET_NAME = /pass(?:word|wd)?|secret|token|api[-_]?key|credential|private[-_]?key|authorization|cookie/i;

const redactor = new Redactor();

/**
 * The arguments of a call as a person reads them before approving it: one `name: value` line
 * per argument, nested values as compact JSON, every string redacted by the kit's
 * {@link Redactor} (credential shapes), values of secret-named arguments masked, long values
 * and long lists cut. Never the arguments themselves: the summary is shown and stored.
 */
export function argumentsSummary(args: Record<string, unknown>): string {
  const entries = Object.entries(args);
  const lines = entries.slice(0, MAX_ENTRIES).map(([name, value]) => `${shorten(redactor.redact(name), 100)}: ${SECRET_NAME.test(name) ? Redactor.MASK : render(value, 0)}`);
  if (entries.length > MAX_ENTRIES) lines.push(`… and ${entries.length - MAX_ENTRIES} more arguments`);
  if (lines.length === 0) lines.push('(no arguments)');
  const summary = lines.join('\n');
  return summary.length > MAX_SUMMARY_CHARS ? `${summary.slice(0, MAX_SUMMARY_CHARS)}\n… (cut)` : summary;
}

function render(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(shorten(redactor.redact(value), MAX_VALUE_CHARS));
  if (value === null || typeof value !== 'object') return String(value);
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) {
    const shown = value.slice(0, 10).map((item) => render(item, depth + 1));
    return `[${shown.join(', ')}${value.length > 10 ? `, … ${value.length - 10} more` : ''}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries.slice(0, 10).map(([key, item]) => `${JSON.stringify(shorten(redactor.redact(key), 100))}: ${SECRET_NAME.test(key) ? Redactor.MASK : render(item, depth + 1)}`);
  return `{${shown.join(', ')}${entries.length > 10 ? `, … ${entries.length - 10} more` : ''}}`;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}
