import { runConnectorMain } from '@mcp-hub/connector-kit';
import { slackModule } from './slack-module';

void runConnectorMain(slackModule);
