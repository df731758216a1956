import pino, { type Logger } from 'pino';

/** JSON logs on stderr, always: stdout belongs to the MCP stdio stream and to the start banner. */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}
