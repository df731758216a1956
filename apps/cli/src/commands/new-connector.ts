import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorIdSchema } from '@mcp-hub/connector-contract';
import { ConfigError } from '../config-loader';

/** The connector package template: real TypeScript, with `{{id}}` and `{{ID}}` in its strings only. */
export const CONNECTOR_TEMPLATE_DIR = path.resolve(__dirname, '../../templates/connector');

/**
 * Writes a working connector package for `id` into `dir` (default `connectors/<id>`): its module,
 * configuration, a read tool, an idempotent write tool, a resource, a prompt, a harness test and
 * a README whose tool table the test checks. Returns the folder written.
 * @throws ConfigError for an id the contract refuses, or a folder that already exists.
 */
export function newConnector(id: string, dir = path.join('connectors', id)): string {
  const checked = ConnectorIdSchema.safeParse(id);
  if (!checked.success) throw new ConfigError(`cannot create connector "${id}": ${checked.error.issues[0]?.message ?? 'not a connector id'}`);
  const target = path.resolve(dir);
  if (existsSync(target)) throw new ConfigError(`cannot create connector ${id}: ${target} already exists (pick another folder with --dir)`);
  cpSync(CONNECTOR_TEMPLATE_DIR, target, { recursive: true, errorOnExist: true, force: false });
  for (const entry of readdirSync(target, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    writeFileSync(file, readFileSync(file, 'utf8').split('{{id}}').join(id).split('{{ID}}').join(id.toUpperCase()));
  }
  return target;
}

/** `mcp-hub new connector <id>`: writes the package and says how to run it. */
export function runNewConnector(id: string, options: { dir?: string }): void {
  const target = newConnector(id, options.dir);
  const relative = path.relative(process.cwd(), target) || '.';
  process.stdout.write(
    [
      `Created connector ${id} in ${relative}.`,
      `  test it:        npx jest ${relative}`,
      `  run it:         add { "connectors": { "${id}": { "module": "./${relative}" } } } to a --config file, then mcp-hub start --config <file>`,
      `  own process:    npx tsx ${path.join(relative, 'src/main.ts')} --config <file>`,
      `  in this repository: npm install, once: it records the workspace in package-lock.json (npm ci refuses a lockfile without it)`,
      `                  and links it, so that it loads by package name too (@mcp-hub/connector-${id})`,
      '',
    ].join('\n'),
  );
}
