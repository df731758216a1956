export { FakeGithub, TEST_TOKEN } from './fake-github';
export type { FakeIssue, FakeRepo, ScriptedAnswer, SeenRequest, SentResponse } from './fake-github';
