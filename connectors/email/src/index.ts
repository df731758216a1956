// Only the module and its configuration: the connector and its mail libraries load when it is created (see email-module.ts).
export { emailModule } from './email-module';
export { EmailConfigSchema } from './config';
export type { EmailConfig, EmailConfigInput } from './config';
export type { EmailDeps } from './email-deps';
