import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { Broker } from './broker';
import type { MessageWindow } from './message-window';
import type { PublishLimits } from './publish-policy';

/** What the mqtt connector's handlers receive. */
export interface MqttDeps {
  broker: Broker;
  window: MessageWindow;
  publish: PublishLimits;
  idempotency: IdempotencyStore;
  /** Epoch ms; the window's clock (tests drive it). */
  now(): number;
}
