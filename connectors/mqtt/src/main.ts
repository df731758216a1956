import { runConnectorMain } from '@mcp-hub/connector-kit';
import { mqttModule } from './index';

void runConnectorMain(mqttModule);
