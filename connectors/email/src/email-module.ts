import type { z } from 'zod';
import { defineConnectorModule } from '@mcp-hub/connector-kit';
import { EMAIL_ID } from './client-name';
import { EmailConfigSchema, emailConfigFromEnv, emailEmbeddedConfig, type EmailConfig } from './config';
import type { EmailDeps } from './email-deps';

/**
 * The email connector as the CLI runs it: `mcp-hub connector email` or inside the embedded hub.
 * The connector itself (and with it nodemailer, imapflow and mailparser) is loaded only when it
 * is created: the CLI imports every built-in module to start, and every other command (`hub`,
 * `--help`, a typo) would pay for loading them (about 0.7 s of CPU, measured).
 */
export const emailModule = defineConnectorModule<EmailConfig, EmailDeps>({
  id: EMAIL_ID,
  configSchema: EmailConfigSchema as unknown as z.ZodType<EmailConfig>,
  fromEnv: emailConfigFromEnv,
  embeddedConfig: emailEmbeddedConfig,
  async create(config, logger) {
    // require, not import(): the CLI and the tests load TypeScript through require hooks (tsx, jest), as the kit's loadConnectorModule does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createEmailConnector } = require('./create-email-connector') as typeof import('./create-email-connector');
    return createEmailConnector(config, logger);
  },
});
