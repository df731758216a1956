// Validates Kubernetes objects against the schemas `kubernetes-models` ships (an ES module only
// package, hence this script, which test/deploy/k8s.test.ts runs with plain node).
// Input on stdin: a JSON array of objects. Output: a JSON array, per object, of its schema
// errors (empty when valid), or the reason it could not be checked.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  try {
    const module = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
    const Model = module[object.kind];
    new Model(object).validate();
    results.push([]);
  } catch (error) {
    results.push([String(error && error.message ? error.message : error)]);
  }
}
process.stdout.write(JSON.stringify(results));
