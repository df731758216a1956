import { homedir } from 'node:os';
import path from 'node:path';

/**
 * The per-user directory for embedded state and demo data, by each platform's convention, so
 * that `start` and `stdio` share one and a client starting `stdio` from `/` writes nothing there:
 * `$XDG_DATA_HOME/mcp-hub` or `~/.local/share/mcp-hub` (Linux and other Unixes),
 * `~/Library/Application Support/mcp-hub` (macOS), `%LOCALAPPDATA%\mcp-hub` (Windows).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || path.win32.join(env.USERPROFILE || home, 'AppData', 'Local');
    return path.win32.join(local, 'mcp-hub');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'mcp-hub');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME && path.posix.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.posix.join(home, '.local', 'share');
  return path.posix.join(xdg, 'mcp-hub');
}
