export { currentTraceparent, enableTracing, inSpan, shutdownTracing, tracingEnabled } from './trace-context';
