import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { CliConfigSchema } from '../../apps/cli/src/cli-config';
import { isMcpHubCommand } from './cli-commands';

/**
 * deploy/k8s, checked without a cluster: every object against the Kubernetes JSON schemas that
 * `kubernetes-models` ships (its `validate()`), then what a schema cannot know: the commands are
 * the CLI's, every Deployment is probed, budgeted, autoscaled and locked down, Secrets hold the
 * keys the Deployments read, and the configuration loads.
 */

const dir = path.resolve(__dirname, '../../deploy/k8s');
const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  /** Walked per kind below, after schema validation. */
  spec?: any;
}

const kustomization = parseYaml(read('kustomization.yaml')) as {
  resources: string[];
  configMapGenerator: { name: string; files: string[] }[];
  secretGenerator: { name: string; envs: string[] }[];
};
const parseFile = (file: string): K8sObject[] =>
  parseAllDocuments(read(file)).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS() as K8sObject;
  });

/** The optional connectors (kustomize Components under optional/, compose's profiles), enabled by uncommenting them in kustomization.yaml. */
const optionalIds = readdirSync(path.join(dir, 'optional')).sort();
const components = optionalIds.map((id) => {
  const component = parseYaml(read(`optional/${id}/kustomization.yaml`)) as { apiVersion: string; kind: string; resources: string[] };
  return { id, component, objects: component.resources.flatMap((file) => parseFile(`optional/${id}/${file}`)) };
});

const objects: K8sObject[] = [...kustomization.resources.flatMap(parseFile), ...components.flatMap((c) => c.objects)];
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const deployments = ofKind('Deployment');

/** Each object's schema errors (none when valid), from `kubernetes-models` in a node process (it is ESM only). */
function schemaErrors(list: K8sObject[]): string[][] {
  const output = execFileSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], { input: JSON.stringify(list), encoding: 'utf8' });
  return JSON.parse(output) as string[][];
}

const secretKeys = new Set(
  read('secrets.env.example')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => line.slice(0, line.indexOf('='))),
);

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('lists files that exist, generates the config and secrets the pods mount', () => {
    for (const file of [...kustomization.resources, ...kustomization.configMapGenerator.flatMap((g) => g.files)]) expect(existsSync(path.join(dir, file))).toBe(true);
    expect(kustomization.configMapGenerator.map((g) => g.name)).toEqual(['mcp-hub-config']);
    expect(kustomization.secretGenerator).toEqual([{ name: 'mcp-hub-secrets', envs: ['secrets.env'] }]);
    expect(read('.gitignore')).toContain('secrets.env');
  });

  it('has a component for each connector compose runs behind a profile, named in kustomization.yaml', () => {
    const compose = parseYaml(readFileSync(path.resolve(__dirname, '../../docker-compose.yml'), 'utf8')) as { services: Record<string, { profiles?: string[]; command?: string[] }> };
    const profiled = Object.values(compose.services)
      .filter((service) => service.profiles && service.command?.[0] === 'connector')
      .map((service) => service.command![1]!)
      .sort();
    expect(optionalIds).toEqual(profiled);
    for (const { id, component, objects: own } of components) {
      expect(component).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
      expect(own.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
        ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'].map((kind) => `${kind}/connector-${id}`).concat(`NetworkPolicy/connector-${id}-upstream`).sort(),
      );
    }
    // The commented-out list a user uncomments names exactly these components.
    const listed = [...read('kustomization.yaml').matchAll(/^#\s+-\s+(optional\/[a-z0-9]+)$/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(optionalIds.map((id) => `optional/${id}`));
  });

  it('every object is valid against the Kubernetes schema of its kind, and a broken one is caught', () => {
    const broken = structuredClone(deployments[0]!);
    broken.spec.replicas = 'two';
    const unknownKind = { ...objects[0]!, kind: 'Deploymint' };
    const errors = schemaErrors([...objects, broken, unknownKind]);
    const named = objects.map((o, i) => ({ object: `${o.kind}/${o.metadata.name}`, errors: errors[i] }));
    expect(named).toEqual(objects.map((o) => ({ object: `${o.kind}/${o.metadata.name}`, errors: [] })));
    expect(errors.at(-2)!.join()).toMatch(/replicas/);
    expect(errors.at(-1)).toHaveLength(1);
  });

  it.each(deployments.map((d) => [d.metadata.name, d] as const))('%s runs an mcp-hub command of the one image, locked down and probed', (name, deployment) => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
    for (const container of pod.containers) {
      expect(container.image).toBe('mcp-hub');
      expect(container.command).toBeUndefined(); // the image's ENTRYPOINT, node bin/mcp-hub
      expect(isMcpHubCommand(container.args)).toBe(true);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources.requests.cpu).toBeDefined(); // the HPA's utilisation is relative to it
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      const probePort = container.ports.find((p: { name: string }) => p.name === container.readinessProbe.httpGet.port);
      expect(probePort).toBeDefined();
      if (container.args[0] === 'connector') {
        const env = Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
        expect(Number(env.MCP_HUB_METRICS_PORT)).toBe(probePort.containerPort);
        expect(env.MCP_HUB_METRICS_HOST).toBe('0.0.0.0');
        expect(env.NATS_USER).toBe(`connector-${container.args[1]}`);
      }
      for (const variable of container.env.filter((e: { valueFrom?: unknown }) => e.valueFrom)) {
        expect(variable.valueFrom.secretKeyRef.name).toBe('mcp-hub-secrets');
        expect({ key: variable.valueFrom.secretKeyRef.key, defined: secretKeys.has(variable.valueFrom.secretKeyRef.key) }).toEqual({ key: variable.valueFrom.secretKeyRef.key, defined: true });
      }
    }
  });

  it.each(deployments.map((d) => [d.metadata.name] as const))('%s has a disruption budget and a CPU autoscaler', (name) => {
    const budget = ofKind('PodDisruptionBudget').find((p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === name);
    expect(budget?.spec.minAvailable).toBeGreaterThanOrEqual(1);
    const autoscaler = ofKind('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === name);
    expect(autoscaler?.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment' }, minReplicas: expect.any(Number) });
    expect(autoscaler!.spec.metrics[0].resource.name).toBe('cpu');
  });

  it('network policies deny by default, and let connectors reach NATS and their upstream only', () => {
    const policies = ofKind('NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const connectorEgress = policies
      .filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'connector' || p.spec.podSelector.matchExpressions)
      .flatMap((p) => p.spec.egress ?? [])
      .flatMap((rule: { to: { podSelector: { matchLabels: Record<string, string> } }[] }) => rule.to.map((to) => to.podSelector.matchLabels['app.kubernetes.io/name']));
    expect(new Set(connectorEgress)).toEqual(new Set(['nats', 'postgresql']));
    // Each optional connector's own rule opens its upstream's ports only, to addresses (not to pods in the namespace).
    const upstreamPorts = Object.fromEntries(
      components.map(({ id, objects: own }) => {
        const policy = own.find((o) => o.kind === 'NetworkPolicy')!;
        expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': `connector-${id}` } });
        expect(policy.spec.policyTypes).toEqual(['Egress']);
        for (const rule of policy.spec.egress) expect(rule.to.every((to: Record<string, unknown>) => Object.keys(to).join() === 'ipBlock')).toBe(true);
        return [id, policy.spec.egress.flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port)).sort()];
      }),
    );
    expect(upstreamPorts).toEqual({ email: [465, 587, 993], github: [443], mqtt: [1883, 8883], slack: [443] });
    expect(policies.filter((p) => p.spec.egress?.some((rule: { to: { podSelector?: { matchLabels?: Record<string, string> } }[] }) => rule.to.some((to) => to.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'redis'))).map((p) => p.metadata.name)).toEqual(['hub']);
  });

  it('hub.config.json is a valid configuration for the hub', () => {
    const parsed = CliConfigSchema.safeParse(JSON.parse(read('hub.config.json')));
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.http.host).toBe('0.0.0.0');
  });
});
