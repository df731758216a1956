import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorIdSchema } from '@mcp-hub/connector-contract';
import { signingKeyVariable, SIGNING_KEY_CONFIG_KEY } from '@mcp-hub/connector-kit';
import { CommandFailure, ExitCode } from '../exit-codes';

export interface KeysCreateOptions {
  /** Folder to write the two PEM files to (created when missing). Default: the working directory. */
  out?: string;
}

/**
 * `mcp-hub keys create <connector>`: an Ed25519 key pair for signing a connector's manifest.
 * Writes `<connector>.key.pem` (PKCS #8, mode 0600: the connector's secret) and
 * `<connector>.pub.pem` (SPKI: the hub's), never over an existing file, and prints the
 * configuration lines for both sides.
 * @throws CommandFailure (usage) for an invalid connector id or a file that already exists
 */
export function runKeysCreate(connector: string, options: KeysCreateOptions, out: NodeJS.WritableStream = process.stdout): ExitCode {
  if (!ConnectorIdSchema.safeParse(connector).success) throw new CommandFailure(`"${connector}" is not a connector id (^[a-z][a-z0-9]{1,30}$)`, ExitCode.usage);
  const dir = path.resolve(options.out ?? '.');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateFile = path.join(dir, `${connector}.key.pem`);
  const publicFile = path.join(dir, `${connector}.pub.pem`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    // `wx`: an existing key is never overwritten (a connector may be running with it).
    writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CommandFailure(`${(error as NodeJS.ErrnoException).path} already exists: remove it, or pick another folder with --out`, ExitCode.usage);
    throw error;
  }
  out.write(
    [
      `Wrote ${privateFile} (private, mode 0600: for connector ${connector} only)`,
      `  and ${publicFile} (public: for the hubs).`,
      '',
      `Connector ${connector} (mcp-hub connector ${connector}), either of:`,
      `  ${signingKeyVariable(connector)}=${privateFile}`,
      `  "connectors": { "${connector}": { "${SIGNING_KEY_CONFIG_KEY}": ${JSON.stringify(privateFile)} } }`,
      '',
      'Hub (mcp-hub hub), either of (several connectors: MCP_HUB_CONNECTOR_KEYS=a=/path/a.pub.pem,b=/path/b.pub.pem):',
      `  MCP_HUB_CONNECTOR_KEYS=${connector}=${publicFile}`,
      `  "signedManifests": { "keys": { "${connector}": ${JSON.stringify(publicFile)} } }`,
      '',
      'Once one key is configured the hub refuses every connector whose manifest is not signed by its key',
      '(signedManifests.required, MCP_HUB_REQUIRE_SIGNED_MANIFESTS; docs/deployment.md, "Signed manifests").',
      '',
    ].join('\n'),
  );
  return ExitCode.ok;
}
