import { NatsBus } from '../src/nats-bus';
import { describeBusBehaviour } from './bus-behaviour';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describeBusBehaviour('NATS', () => NatsBus.connect({ servers: NATS_URL, name: 'bus-test' }));
