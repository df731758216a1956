import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../config';
import type { Engine } from './engine';
import { MysqlEngine } from './mysql-engine';
import { PostgresEngine } from './postgres-engine';
import { Redactor } from '@mcp-hub/connector-kit';
import { SqliteEngine } from './sqlite-engine';

/** A configuration problem found while opening a source; the message names the config key and never holds a secret. */
export class SourceConfigError extends Error {
  override readonly name = 'SourceConfigError';
}

/**
 * Builds the engine for `sources[index]`, reading its connection URL from the environment or a
 * secret file. The URL lives only inside the engine (and its redactor), never in config or logs;
 * it is returned as `secret` so that the kit masks it in every log line and error too.
 */
export function openEngine(source: SourceConfig, index: number, env: NodeJS.ProcessEnv): { engine: Engine; secret?: string } {
  const key = `sources.${index}.connection`;
  const connection = source.connection;
  if ('path' in connection) {
    return { engine: new SqliteEngine({ path: connection.path, readOnly: source.mode === 'read-only', workers: source.workers, maxWaiting: source.maxWaiting }) };
  }
  let url: string | undefined;
  if ('urlEnv' in connection) {
    url = env[connection.urlEnv];
    if (!url) throw new SourceConfigError(`${key}.urlEnv: environment variable ${connection.urlEnv} is not set`);
  } else {
    try {
      url = readFileSync(connection.urlFile, 'utf8').trim();
    } catch {
      throw new SourceConfigError(`${key}.urlFile: cannot read ${connection.urlFile}`);
    }
    if (!url) throw new SourceConfigError(`${key}.urlFile: ${connection.urlFile} is empty`);
  }
  const redactor = new Redactor([url]);
  const scheme = /^([a-z0-9+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const expected = source.engine === 'postgres' ? ['postgres', 'postgresql'] : ['mysql', 'mariadb'];
  if (!scheme || !expected.includes(scheme)) {
    throw new SourceConfigError(`${key}: the connection URL must start with ${expected[0]}:// for a ${source.engine} source`);
  }
  if (source.engine === 'postgres') return { engine: new PostgresEngine({ url, redactor }), secret: url };
  return { engine: new MysqlEngine({ url: url.replace(/^mariadb:/i, 'mysql:'), redactor }), secret: url };
}
