import { SMTPServer } from 'smtp-server';
import { freePort } from '@mcp-hub/bus/testing';

/** One message as the SMTP server received it: the envelope the client gave and the raw data. */
export interface CapturedMessage {
  mailFrom: string;
  rcptTo: string[];
  data: string;
  /** The user the client authenticated as. */
  user: string | undefined;
}

export interface SmtpCapture {
  port: number;
  user: string;
  password: string;
  messages: CapturedMessage[];
  /** Login attempts the server refused. */
  refusedLogins: number;
  stop(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port that needs a login
 * and keeps every message it accepts, envelope included. No TLS: loopback only, and the
 * connector under test is configured with `requireTls: false`.
 */
export async function startSmtpCapture(options: { rejectRecipient?: string } = {}): Promise<SmtpCapture> {
  const port = await freePort();
  const capture: SmtpCapture = {
    port,
    user: 'mailer',
    password: `pw-${Math.random().toString(36).slice(2)}-smtp`,
    messages: [],
    refusedLogins: 0,
    stop: async () => undefined,
  };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === capture.user && auth.password === capture.password) return callback(null, { user: auth.username });
      capture.refusedLogins++;
      return callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient && address.address === options.rejectRecipient) return callback(new Error('550 No such user'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        capture.messages.push({
          mailFrom: from ? from.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  capture.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return capture;
}
