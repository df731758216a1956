import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AdminAuth } from '@mcp-hub/hub';

/**
 * The embedded mode's admin token: `admin.token` when configured, else the one kept in
 * `<dataDir>/admin-token` (created on first start, readable by this user only), so a bookmark
 * and a password manager keep working across restarts.
 */
export function embeddedAdminToken(configured: string | undefined, dataDir: string): { token: string; file?: string } {
  if (configured) return { token: configured };
  const file = path.join(dataDir, 'admin-token');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return { token: stored, file };
  } catch {
    // first start: create it below
  }
  const token = AdminAuth.generateToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file };
}
