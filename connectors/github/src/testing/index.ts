export { FakeGithub } from './fake-github';
export type { FakeIssue, FakeRepo, ScriptedAnswer, SeenRequest } from './fake-github';
export { TEST_TOKEN, startGithub } from './github-testbed';
export type { GithubTestbed } from './github-testbed';
