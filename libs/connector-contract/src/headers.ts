/**
 * NATS header names. Identity and trace context travel in headers as well as in the body so
 * that NATS-level tooling (and future authorization callouts) can see them without parsing.
 */
export const headers = {
  invocationId: 'Mcphub-Invocation-Id',
  /** The hub's signed principal assertion (`principal-assertion.ts`): who the call is for, verifiable by the connector. */
  assertion: 'Mcphub-Assertion',
  contractVersion: 'Mcphub-Contract-Version',
  /** W3C trace context. */
  traceparent: 'traceparent',
} as const;
