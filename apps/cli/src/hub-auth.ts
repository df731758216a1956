import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import {
  BearerAuthenticator,
  HubTokenSigner,
  InMemoryRevocationList,
  PrincipalAssertionSigner,
  RedisRevocationList,
  hubTokenIssuer,
  protectedResourceMetadata,
  type HttpAuth,
  type RevocationList,
} from '@mcp-hub/hub';
import type { CliConfig } from './cli-config';
import { ConfigError } from './config-loader';

/** What authentication the hub front runs with; `close` releases the revocation list. */
export interface HubAuth {
  http?: HttpAuth;
  revocations?: RevocationList;
  close(): Promise<void>;
}

/** Whether `auth` configures any way to authenticate (an external issuer, or the hub's own tokens). */
export function authConfigured(config: CliConfig): boolean {
  return config.auth.issuers.length > 0 || config.auth.hubTokens !== undefined;
}

/** The hub's resource URL (RFC 8707): `auth.resource`, else its own `/mcp` URL. */
export function resourceUrl(config: CliConfig): string {
  if (config.auth.resource) return config.auth.resource;
  const { host, port } = config.http;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp`;
}

/**
 * Refuses to serve clients beyond this machine as the configured principal: listening on a
 * non-loopback address needs authentication, or an explicit `--insecure-no-auth`.
 * @throws ConfigError saying both ways out
 */
export function assertAuthOrLoopback(config: CliConfig): void {
  if (authConfigured(config) || config.auth.insecureNoAuth || isLoopback(config.http.host)) return;
  throw new ConfigError(
    `refusing to serve ${config.http.host}:${config.http.port} without authentication: every client would act as principal "${config.principal.id}". ` +
      'Configure auth.issuers or auth.hubTokens (see README, "Authentication"), listen on 127.0.0.1, or pass --insecure-no-auth to accept the risk.',
  );
}

function isLoopback(host: string): boolean {
  const plain = host.replace(/^\[|\]$/g, '');
  if (plain === 'localhost') return true;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/**
 * Builds the front's authentication from `auth`: the trusted issuers, the hub's own token key
 * (verified like any issuer, with a lifetime limit), the revocation list (Redis when
 * `sessions.redisUrl`/REDIS_URL is set, so every replica shares it; in memory otherwise).
 * @throws ConfigError naming an unreadable key file
 */
export async function openHubAuth(config: CliConfig, logger: Logger): Promise<HubAuth> {
  if (!authConfigured(config)) return { close: async () => undefined };
  const resource = resourceUrl(config);
  const issuers = [...config.auth.issuers];
  const { hubTokens } = config.auth;
  const hubIssuer = hubTokens ? (hubTokens.issuer ?? resource) : undefined;
  if (hubTokens) issuers.push(await hubTokenIssuer(readKey(hubTokens.keyFile, 'auth.hubTokens.keyFile (MCP_HUB_TOKEN_KEY_FILE)'), hubIssuer!));
  const revocations = openRevocationList(config);
  const authenticator = new BearerAuthenticator({
    resource,
    issuers,
    requiredScopes: config.auth.requiredScopes,
    revocations,
    clockToleranceSeconds: config.auth.clockToleranceSeconds,
    ...(hubTokens && { lifetimeLimit: { issuer: hubIssuer!, maxMs: hubTokens.maxTtlMinutes * 60_000 } }),
  });
  const metadata = protectedResourceMetadata(resource, config.auth.issuers.map((i) => i.issuer), config.auth.requiredScopes);
  logger.info({ resource, issuers: issuers.map((i) => i.issuer), revocations: config.sessions.store }, 'bearer authentication on');
  return { http: { authenticator, resource, metadata }, revocations, close: () => revocations.close() };
}

/** The revocation list hubs share: Redis when sessions are shared, in memory otherwise. */
export function openRevocationList(config: CliConfig): RevocationList {
  return config.sessions.redisUrl ? new RedisRevocationList({ url: config.sessions.redisUrl }) : new InMemoryRevocationList();
}

/** The signer of `mcp-hub token create`. @throws ConfigError when no private key is configured */
export function hubTokenSigner(config: CliConfig): HubTokenSigner {
  const { hubTokens } = config.auth;
  if (!hubTokens) throw new ConfigError('minting needs auth.hubTokens.keyFile (or MCP_HUB_TOKEN_KEY_FILE): an Ed25519 private key, e.g. openssl genpkey -algorithm ed25519 -out hub-token.pem');
  const resource = resourceUrl(config);
  try {
    return new HubTokenSigner({
      privateKeyPem: readKey(hubTokens.keyFile, 'auth.hubTokens.keyFile (MCP_HUB_TOKEN_KEY_FILE)'),
      issuer: hubTokens.issuer ?? resource,
      audience: resource,
      maxTtlMs: hubTokens.maxTtlMinutes * 60_000,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`auth.hubTokens.keyFile (MCP_HUB_TOKEN_KEY_FILE): not an Ed25519 private key: ${(error as Error).message}`);
  }
}

/**
 * The principal assertion signer of a hub over NATS: `assertions.signingKeyFile`, or none (then
 * connectors that verify refuse every call, and those that do not trust the bus: logged).
 */
export function assertionSigner(config: CliConfig, logger: Logger): PrincipalAssertionSigner | undefined {
  const file = config.assertions.signingKeyFile;
  if (!file) {
    logger.warn('assertions.signingKeyFile (MCP_HUB_ASSERTION_SIGNING_KEY_FILE) is not set: connectors receive no signed principal');
    return undefined;
  }
  try {
    return PrincipalAssertionSigner.fromPem(readKey(file, 'assertions.signingKeyFile (MCP_HUB_ASSERTION_SIGNING_KEY_FILE)'), config.assertions.ttlSeconds * 1000);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`assertions.signingKeyFile (MCP_HUB_ASSERTION_SIGNING_KEY_FILE): ${(error as Error).message}`);
  }
}

function readKey(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${key}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
