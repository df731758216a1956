import { runConnectorMain } from '@mcp-hub/connector-kit';
import { connectorModule } from './index';

void runConnectorMain(connectorModule);
