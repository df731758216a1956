import { runConnectorMain } from '@mcp-hub/connector-kit';
import { githubModule } from './github-module';

void runConnectorMain(githubModule);
