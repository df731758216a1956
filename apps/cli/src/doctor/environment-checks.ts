import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { CliConfig } from '../cli-config';
import { fail, messageOf, ok, warn, type DoctorCheck } from './doctor-check';

const MINIMUM_NODE = [20, 19] as const;

export function checkNodeVersion(version: string = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const recent = major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
  return recent ? ok('node', `Node ${version}`) : fail('node', `Node ${version} is older than ${MINIMUM_NODE.join('.')}`, `install Node ${MINIMUM_NODE.join('.')} or later (package.json "engines")`);
}

/** The embedded mode writes its demo data and state there: it must exist or be creatable, and be writable. */
export function checkDataDir(dataDir: string): DoctorCheck {
  const probe = path.join(dataDir, `.doctor-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return ok('data directory', `${dataDir} is writable`);
  } catch (error) {
    return fail('data directory', `${dataDir}: ${messageOf(error)}`, 'point --data-dir or MCP_HUB_DATA_DIR at a folder this user can write');
  }
}

/**
 * Whether the HTTP front could listen. A taken port is a warning, not a failure: the hub being
 * diagnosed may be the one holding it (the check says whether an mcp-hub answers there).
 */
export async function checkHttpPort(config: CliConfig): Promise<DoctorCheck> {
  const { host, port } = config.http;
  const name = 'http port';
  if (port === 0) return ok(name, 'port 0: a free port is picked at start');
  const error = await tryListen(host, port);
  if (!error) return ok(name, `${host}:${port} is free`);
  if (error.code !== 'EADDRINUSE') return fail(name, `cannot listen on ${host}:${port}: ${error.message}`, 'pick another address with --host/HOST or --port/PORT');
  const hub = await answersLikeHub(host, port);
  return warn(name, `${host}:${port} is in use${hub ? ' by a running mcp-hub (it answers /healthz)' : ' by another program'}`, hub ? 'fine if that hub is the one you meant; otherwise stop it or use --port' : 'stop that program or pick another port with --port or PORT');
}

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}

async function answersLikeHub(host: string, port: number): Promise<boolean> {
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  try {
    const response = await fetch(`http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
