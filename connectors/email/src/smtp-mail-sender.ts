import { createTransport, type Transporter } from 'nodemailer';
import { ToolError } from '@mcp-hub/connector-kit';
import type { MailSender, SendReceipt } from './mail-sender';
import type { ComposedMessage } from './outgoing-message';

/** How to reach the SMTP server. The password comes from the environment or a secret file. */
export interface SmtpAccount {
  host: string;
  port: number;
  /** TLS from the first byte (465); otherwise STARTTLS, required unless `requireTls` is false. */
  secure: boolean;
  requireTls: boolean;
  user?: string;
  password?: string;
  /** Accept a self-signed certificate (tests, a relay on loopback). Default false. */
  allowSelfSigned?: boolean;
}

const TIMEOUT_MS = 15_000;

/** Sends through an SMTP server with nodemailer: the composed source as is, to the envelope's recipients. */
export class SmtpMailSender implements MailSender {
  private readonly transport: Transporter;

  constructor(account: SmtpAccount) {
    this.transport = createTransport({
      host: account.host,
      port: account.port,
      secure: account.secure,
      requireTLS: !account.secure && account.requireTls,
      ignoreTLS: !account.secure && !account.requireTls,
      ...(account.user !== undefined && { auth: { user: account.user, pass: account.password ?? '' } }),
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: 60_000,
      disableFileAccess: true,
      disableUrlAccess: true,
      ...(account.allowSelfSigned && { tls: { rejectUnauthorized: false } }),
    });
  }

  /** Connects and authenticates once, so that a wrong host or password stops startup with a clear error. */
  async verify(): Promise<void> {
    await this.transport.verify();
  }

  async send(message: ComposedMessage): Promise<SendReceipt> {
    try {
      const info = await this.transport.sendMail({ envelope: message.envelope, raw: message.source });
      return { accepted: (info.accepted ?? []).map(String), rejected: (info.rejected ?? []).map(String), via: 'smtp' };
    } catch (error) {
      throw toToolError(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
}

function toToolError(error: unknown): ToolError {
  const detail = (error ?? {}) as SmtpError;
  if (detail.code === 'EAUTH') return new ToolError('unauthorized', 'The SMTP server refused the connector\'s credentials; an operator must fix the SMTP configuration.');
  if (detail.responseCode !== undefined && detail.responseCode >= 400 && detail.responseCode < 500) {
    return new ToolError('rate_limited', `The SMTP server deferred the message (${detail.responseCode}); nothing was sent. Try again later.`, 60_000);
  }
  const reason = detail.response ?? detail.code ?? 'no answer';
  return new ToolError('upstream', `The SMTP server did not accept the message: ${reason.slice(0, 200)}. Nothing was sent.`);
}
