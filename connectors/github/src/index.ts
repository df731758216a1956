export { githubModule, githubModule as connectorModule } from './github-module';
export { githubConnector } from './connector';
export { GithubConfigSchema } from './config';
export type { GithubConfig } from './config';
export type { GithubDeps } from './github-deps';
