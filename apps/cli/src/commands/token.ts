import { decodeJwt } from 'jose';
import { PrincipalSchema } from '@mcp-hub/connector-contract';
import type { CliConfig } from '../cli-config';
import { ConfigError } from '../config-loader';
import { hubTokenSigner, openRevocationList } from '../hub-auth';

export interface TokenCreateOptions {
  principal: string;
  scopes?: string;
  roles?: string;
  ttl: string;
}

/**
 * `mcp-hub token create`: mints a hub-signed (EdDSA) access token for one principal and prints
 * it alone on stdout (for `TOKEN=$(…)`); its id and expiry go to stderr, for a later revocation.
 * @throws ConfigError for a bad TTL (beyond `auth.hubTokens.maxTtlMinutes`), principal or scope
 */
export async function runTokenCreate(config: CliConfig, options: TokenCreateOptions): Promise<void> {
  const signer = hubTokenSigner(config);
  const principal = PrincipalSchema.safeParse({ id: options.principal, scopes: list(options.scopes), ...(options.roles && { roles: list(options.roles) }) });
  if (!principal.success) throw new ConfigError(`--principal/--scopes/--roles: ${principal.error.issues[0]?.message}`);
  if (principal.data.scopes.includes('*')) throw new ConfigError('--scopes: "*" is the local principal\'s grant and is never put in a token; name the scopes');
  const ttlMs = parseDuration(options.ttl);
  if (ttlMs > signer.maxTtlMs) throw new ConfigError(`--ttl ${options.ttl} exceeds the maximum of ${signer.maxTtlMs / 60_000} min (auth.hubTokens.maxTtlMinutes)`);
  const minted = await signer.mint(principal.data, ttlMs);
  process.stdout.write(`${minted.token}\n`);
  process.stderr.write(`token id ${minted.tokenId} for ${principal.data.id}, expires ${new Date(minted.expiresAt).toISOString()}\n`);
}

/**
 * `mcp-hub token revoke <token or id>`: adds it to the revocation list the hub replicas share
 * (Redis: `sessions.redisUrl` or REDIS_URL) until it would have expired. Given only an id, the
 * entry lasts the maximum TTL.
 * @throws ConfigError without a shared list (the embedded hub's list lives in its own memory)
 */
export async function runTokenRevoke(config: CliConfig, tokenOrId: string): Promise<void> {
  if (!config.sessions.redisUrl) {
    throw new ConfigError('revocation is shared through Redis: set REDIS_URL (or sessions.redisUrl) to the hubs\' Redis. A hub without Redis keeps its list in its own memory; restart it with a new auth.hubTokens.keyFile to void every token');
  }
  let tokenId = tokenOrId;
  let expiresAt = Date.now() + (config.auth.hubTokens?.maxTtlMinutes ?? 60) * 60_000;
  if (tokenOrId.split('.').length === 3) {
    const claims = decodeJwt(tokenOrId);
    if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number') throw new ConfigError('the token has no jti or exp claim: it cannot be revoked by id (it expires on its own)');
    tokenId = claims.jti;
    expiresAt = claims.exp * 1000;
  } else if (!/^[\w-]{1,200}$/.test(tokenOrId)) {
    throw new ConfigError('give the token itself or its id (as `token create` printed it)');
  }
  const revocations = openRevocationList(config);
  try {
    await revocations.revoke(tokenId, expiresAt);
  } finally {
    await revocations.close();
  }
  process.stderr.write(`token ${tokenId} revoked until ${new Date(expiresAt).toISOString()}\n`);
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/**
 * `90s`, `15m`, `1h` (or a bare number of minutes) in milliseconds.
 * @throws ConfigError for anything else
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})(s|m|h)?$/.exec(text.trim());
  if (!match) throw new ConfigError(`--ttl "${text}": use a duration such as 90s, 15m or 1h`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'm') as 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new ConfigError(`--ttl "${text}" must be positive`);
  return ms;
}
