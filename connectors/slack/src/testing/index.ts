export { FakeSlack, FAKE_BOT } from './fake-slack';
export type { FakeChannel, FakeMessage, FakeSlackOptions, FakeSlackRequest, FakeUser } from './fake-slack';
export { startSlackTestbed } from './slack-testbed';
export type { SlackTestbed } from './slack-testbed';
