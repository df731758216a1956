/**
 * The password of every user in deploy/nats/nats.conf, for tests that run a nats-server on the
 * shipped file (it reads them from the environment; one it lacks stops the server from starting).
 */
export const SHIPPED_NATS_PASSWORDS = {
  NATS_HUB_PASS: 'hub-pass',
  NATS_HELPDESK_PASS: 'helpdesk-pass',
  NATS_DATABASE_PASS: 'database-pass',
  NATS_EMAIL_PASS: 'email-pass',
  NATS_GITHUB_PASS: 'github-pass',
  NATS_SLACK_PASS: 'slack-pass',
  NATS_MQTT_PASS: 'mqtt-pass',
};
