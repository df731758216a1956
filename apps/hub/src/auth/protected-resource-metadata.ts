/** Where RFC 9728 puts the metadata of a resource: the well-known prefix, then the resource's path. */
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** RFC 9728 Protected Resource Metadata, as the hub serves it. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: ['header'];
  resource_name: string;
}

/** The metadata document for `resource` (the hub's `/mcp` URL). */
export function protectedResourceMetadata(resource: string, authorizationServers: string[], scopes: readonly string[]): ProtectedResourceMetadata {
  return {
    resource,
    authorization_servers: authorizationServers,
    ...(scopes.length > 0 && { scopes_supported: [...scopes] }),
    bearer_methods_supported: ['header'],
    resource_name: 'MCP hub',
  };
}

/**
 * The metadata URL a 401 names: RFC 9728 §3.1 inserts the well-known segment between the
 * origin and the resource's path (`https://h/.well-known/oauth-protected-resource/mcp`).
 */
export function metadataUrlFor(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${PROTECTED_RESOURCE_METADATA_PATH}${path}`;
}
