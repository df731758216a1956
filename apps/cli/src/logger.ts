import pino, { type Logger } from 'pino';
import type { Redactor } from '@mcp-hub/connector-kit';
import pinoPretty from 'pino-pretty';

export interface LoggerOptions {
  /** MCP on stdout: logs stay JSON on stderr, `warn` and above unless a level is set. */
  stdio?: boolean;
  /** Whether stderr is a terminal. Default: `process.stderr.isTTY`. */
  terminal?: boolean;
  /** Masks secrets in every line before it is written (the connectors register theirs with it). */
  redactor?: Redactor;
  /** Where JSON lines go instead of stderr (tests). */
  destination?: NodeJS.WritableStream;
}

/**
 * Logs on stderr, always: stdout belongs to the MCP stdio stream and to the start banner. In a
 * terminal (and not in stdio mode) they are human-readable and, unless `level` is set, `warn`
 * and above, so that the banner is not lost among them; elsewhere they are JSON lines for log
 * collectors, `info` and above unless `level` is set.
 */
export function createLogger(level: string | undefined, name: string, options: LoggerOptions = {}): Logger {
  const pretty = !options.stdio && (options.terminal ?? process.stderr.isTTY === true);
  const effective = level ?? (pretty || options.stdio ? 'warn' : 'info');
  const redactor = options.redactor;
  const settings = { level: effective, name, base: { pid: process.pid }, ...(redactor && { hooks: { streamWrite: (line: string) => redactor.redact(line) } }) };
  if (pretty) return pino(settings, pinoPretty({ destination: 2, colorize: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }));
  return pino(settings, options.destination ?? pino.destination({ fd: 2, sync: false }));
}
