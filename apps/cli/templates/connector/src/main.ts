// This connector as its own process over NATS: `npx tsx src/main.ts --config hub.json`.
import { runConnectorMain } from '@mcp-hub/connector-kit';
import { connectorModule } from './connector-module';

void runConnectorMain(connectorModule);
