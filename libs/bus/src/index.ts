export type { Bus, BusMessage, IncomingMessage, RequestOptions, SubscribeOptions, Subscription, MessageHandler, BusStatus } from './bus';
export { BusError, isBusError } from './bus-error';
export type { BusErrorKind } from './bus-error';
export { InProcessBus } from './in-process-bus';
export { NatsBus } from './nats-bus';
export { DeferredBus } from './deferred-bus';
export type { NatsBusOptions } from './nats-bus';
export { subjectMatches } from './subject-match';
