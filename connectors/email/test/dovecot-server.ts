import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@mcp-hub/bus/testing';

export interface DovecotServer {
  port: number;
  user: string;
  password: string;
  /** The test user's Maildir root (INBOX), as Dovecot keeps it. */
  maildir: string;
  stop(): Promise<void>;
}

/**
 * A real Dovecot IMAP server (Debian's `dovecot-imapd`, installed by `.ci/run`) on a free
 * loopback port, with a configuration of its own: one test user whose password is checked
 * from a passwd file, a Maildir in a temporary directory, the usual special-use mailboxes, and
 * no TLS (loopback only). Run as root, it keeps the mail as the `dovecot` user (Dovecot will
 * not keep mail as root); otherwise everything runs as the current user.
 */
export async function startDovecot(): Promise<DovecotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'agent';
  const password = `pw-${Math.random().toString(36).slice(2)}-imap`;
  const asRoot = process.getuid?.() === 0;
  const mailUser = asRoot ? 'dovecot' : userInfo().username;
  const uid = Number(execFileSync('id', ['-u', mailUser]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', mailUser]).toString().trim());
  for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, sub));
  if (asRoot) for (const sub of ['mail', 'home']) chownSync(join(dir, sub), uid, gid);
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}\n`);
  const config = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${asRoot ? 'dovecot' : mailUser}
default_login_user = ${asRoot ? 'dovenull' : mailUser}
default_internal_group = ${asRoot ? 'dovecot' : execFileSync('id', ['-gn', mailUser]).toString().trim()}
first_valid_uid = ${Math.min(uid, 100)}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = create
  }
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
  mailbox Archive {
    special_use = \\Archive
    auto = create
  }
  mailbox Trash {
    special_use = \\Trash
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  const configPath = join(dir, 'dovecot.conf');
  writeFileSync(configPath, config);
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, 10_000, () => `${output}\n${readLog(dir)}`, () => child.exitCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    user,
    password,
    maildir: join(dir, 'mail', user),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string): string {
  try {
    return execFileSync('cat', [join(dir, 'dovecot.log')]).toString();
  } catch {
    return '';
  }
}

async function waitForPort(port: number, timeoutMs: number, explain: () => string, died: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (died() || Date.now() > until) throw new Error(`Dovecot did not start on ${port}:\n${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
