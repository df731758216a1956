export { emailModule, createEmailConnector } from './email-module';
export { EmailConfigSchema } from './config';
export type { EmailConfig, EmailConfigInput } from './config';
export { emailConnector } from './connector';
export type { EmailDeps } from './email-deps';
export type { MailStore } from './mail-store';
export { MaildirMailStore } from './stores/maildir-mail-store';
export { ImapMailStore } from './stores/imap-mail-store';
export { seedDemoMailbox } from './demo-mailbox';
