// `node --import ./register-fs-glob-sync.mjs …`: installs fs-glob-sync-hooks.mjs (Node 20 only).
import { register } from 'node:module';

register('./fs-glob-sync-hooks.mjs', import.meta.url);
