// Module resolution hooks: the conformance suite's `fs` is fs-glob-sync.mjs; everyone else's is
// node:fs. (A `--require` polyfill cannot help: an ES module's named imports from a builtin are
// fixed when the builtin's ESM facade is built, before any code could add `globSync`.)
const shim = new URL('./fs-glob-sync.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const fromSuite = context.parentURL?.includes('/@modelcontextprotocol/conformance/') === true;
  if (fromSuite && (specifier === 'fs' || specifier === 'node:fs')) return { url: shim, shortCircuit: true };
  return next(specifier, context);
}
