import { Writable } from 'node:stream';
import { Redactor } from '@mcp-hub/connector-kit';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('masks what the redactor knows, and credential shapes, in every line it writes', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const redactor = new Redactor();
    const logger = createLogger('info', 'test', { terminal: false, redactor, destination });
    // Registered after the logger exists, as connectors do when they start.
    redactor.register('postgres://app:s3cret-pw@db/helpdesk');
    logger.info({ url: 'postgres://app:s3cret-pw@db/helpdesk' }, 'connecting');
    logger.warn({ err: new Error('login failed for s3cret-pw') }, 'failed');
    logger.info('token ghp_abcdefghijklmnopqrstuvwxyz0123456789 rejected');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain('s3cret-pw');
      expect(line).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    }
    expect(lines.join('')).toContain(Redactor.MASK);
  });
});
