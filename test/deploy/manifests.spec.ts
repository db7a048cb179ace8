/**
 * k8s/ held by tests: both overlays render with `kubectl kustomize`, every rendered object
 * validates against the Kubernetes API schemas (kubernetes-models, offline), and the rules of
 * docs/deploy.md hold on every workload. No cluster is needed.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { DatabaseEnv, OidcEnv } from '@classconnect/config';
import { GatewayEnv } from '../../apps/gateway/src/config/gateway.config.js';
import { IdentityCliEnv, IdentityEnv } from '../../apps/identity-service/src/config.js';
import { Env as IntegrationEnv } from '../../apps/integration-service/src/config.js';
import { Env as ReportEnv } from '../../apps/report-service/src/config.js';
import { SessionEnv } from '../../apps/session-service/src/config.js';
import { VerificationCliEnv, VerificationEnv } from '../../apps/verification-service/src/config.js';

const root = join(import.meta.dirname, '..', '..');

/* eslint-disable @typescript-eslint/no-explicit-any */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

/** The overlay as kubectl renders it, each object as JSON (kubectl converts the YAML: no YAML parser needed). */
function render(overlay: string): K8sObject[] {
  const env = { ...process.env, KUBECONFIG: '/dev/null' };
  let yaml: string;
  try {
    yaml = execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', overlay)], { encoding: 'utf8', env });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('KUBECTL_MISSING: the manifest checks need kubectl (1.27 or newer, with its built-in kustomize) on the PATH');
    throw err;
  }
  // `label --local` prints the objects without a cluster; removing a label no object has changes nothing else.
  const json = execFileSync('kubectl', ['label', '--local', '-f', '-', 'classconnect.io/render-check-', '-o', 'json'], { input: yaml, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return splitJson(json).map((o) => {
    if (o.metadata?.labels && Object.keys(o.metadata.labels).length === 0) delete o.metadata.labels;
    // kustomize wraps a long generated secret's base64 over lines; the API server's decoder skips the newlines.
    if (o.kind === 'Secret') for (const k of Object.keys(o.data ?? {})) o.data[k] = o.data[k].replace(/\s+/g, '');
    return o;
  });
}

/** kubectl prints one JSON document per object, one after another. */
function splitJson(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** Objects of kinds the Kubernetes API does not define, and the custom resource definitions they need. */
const CustomKinds: Record<string, string> = {
  'gateway.networking.k8s.io/v1/HTTPRoute': 'the Gateway API (standard channel)',
  'postgresql.cnpg.io/v1/Cluster': 'CloudNativePG',
  'postgresql.cnpg.io/v1/ScheduledBackup': 'CloudNativePG',
};

/**
 * Pods an operator makes from a custom resource, as a Deployment would look for the policy checks:
 * a CloudNativePG Cluster's instances carry cnpg.io/cluster=<name> and serve Postgres on 5432 (its
 * -rw, -ro and -r Services), the operator's status on 8000 and metrics on 9187.
 */
function operatorWorkloads(objects: K8sObject[]): K8sObject[] {
  return objects
    .filter((o) => o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster')
    .map((c) => {
      const labels = { 'cnpg.io/cluster': c.metadata.name };
      const ports = [{ name: 'postgresql', containerPort: 5432 }, { name: 'status', containerPort: 8000 }, { name: 'metrics', containerPort: 9187 }];
      return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: c.metadata.name }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'postgres', ports }] } } } };
    });
}
function operatorServices(objects: K8sObject[]): K8sObject[] {
  return operatorWorkloads(objects).map((w) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${w.metadata.name}-rw` },
    spec: { selector: w.spec.template.metadata.labels, ports: [{ port: 5432, targetPort: 5432 }, { port: 8000, targetPort: 8000 }, { port: 9187, targetPort: 9187 }] },
  }));
}

async function validateObject(o: K8sObject): Promise<void> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  if (CustomKinds[`${o.apiVersion}/${o.kind}`]) return;
  const path = group ? `${group}/${version}` : version;
  let model: { new (data: unknown): { validate(): void } };
  try {
    const mod = (await import(`kubernetes-models/${path}/${o.kind}`)) as Record<string, any>;
    model = mod[o.kind] ?? mod.default?.[o.kind];
  } catch {
    throw new Error(`UNKNOWN_KIND: ${o.apiVersion} ${o.kind} (${o.metadata.name}) is not a Kubernetes API object`);
  }
  try {
    new model(o).validate();
  } catch (err) {
    throw new Error(`INVALID_OBJECT: ${o.kind} ${o.metadata.name}: ${(err as Error).message}`);
  }
}

/** Every environment variable a zod schema reads: the keys of its objects, through pipes, preprocess and refinements. */
function variablesOf(schema: z.ZodType): Set<string> {
  const names = new Set<string>();
  const walk = (s: any): void => {
    if (!s || typeof s !== 'object') return;
    const def = s._zod?.def ?? s.def;
    if (s.shape && typeof s.shape === 'object') for (const k of Object.keys(s.shape)) names.add(k);
    if (def?.in) walk(def.in);
    if (def?.out) walk(def.out);
    if (def?.innerType) walk(def.innerType);
    if (def?.schema) walk(def.schema);
  };
  walk(schema);
  return names;
}

const ServiceSchemas: Record<string, z.ZodType[]> = {
  gateway: [GatewayEnv],
  'identity-service': [IdentityEnv, OidcEnv],
  'session-service': [SessionEnv],
  'verification-service': [VerificationEnv],
  'report-service': [ReportEnv],
  'integration-service': [IntegrationEnv],
};
const Services = Object.keys(ServiceSchemas);
const SchemaOwners = { 'identity-service': 'identity-migrate', 'verification-service': 'verification-migrate', 'report-service': 'report-migrate', 'integration-service': 'integration-migrate' } as const;
// What each service's migrate.js loads (its apps/<service>/src/migrate.ts); its logger reads LOG_LEVEL.
const MigrationSchemas: Record<string, z.ZodType> = { 'identity-service': IdentityCliEnv, 'verification-service': VerificationCliEnv, 'report-service': DatabaseEnv, 'integration-service': DatabaseEnv };

const workloadKinds = ['Deployment', 'StatefulSet', 'Job'];
function podSpec(o: K8sObject): any {
  return o.spec.template.spec;
}
function containersOf(o: K8sObject): any[] {
  return [...(podSpec(o).initContainers ?? []), ...podSpec(o).containers];
}
function matches(selector: any, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
/** A container port by number or name, as a number. */
function resolvePort(containers: any[], port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  for (const c of containers) for (const p of c.ports ?? []) if (p.name === port) return p.containerPort;
  return undefined;
}

describe.each(['dev', 'production'])('the %s overlay', (overlay) => {
  const objects = render(overlay);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const workloads = objects.filter((o) => workloadKinds.includes(o.kind));
  const deployments = byKind('Deployment');
  const mainContainer = (name: string) => find('Deployment', name)!.spec.template.spec.containers.find((c: any) => c.name === name);

  it('renders, every object in the classconnect namespace (the Namespace aside)', () => {
    expect(objects.length).toBeGreaterThan(30);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in classconnect`);
  });

  it('validates every object against the Kubernetes API schemas (custom resources: only the known ones)', async () => {
    const failures: string[] = [];
    for (const o of objects) await validateObject(o).catch((err: Error) => failures.push(err.message));
    expect(failures).toEqual([]);
  });

  it('has a Deployment, Service and PodDisruptionBudget per service, and a migration Job per schema owner', () => {
    for (const name of Services) {
      expect(find('Deployment', name)).toBeDefined();
      expect(find('Service', name)).toBeDefined();
      const pdb = byKind('PodDisruptionBudget').find((p) => matches(p.spec.selector, find('Deployment', name)!.spec.template.metadata.labels));
      expect(pdb).toBeDefined();
    }
    for (const [service, job] of Object.entries(SchemaOwners)) {
      const j = find('Job', job);
      expect(j).toBeDefined();
      expect(j!.spec.template.spec.containers[0].args).toEqual(['node', `dist/apps/${service}/src/migrate.js`, 'up']);
      // The service waits for the Job's work instead of migrating itself.
      const init = find('Deployment', service)!.spec.template.spec.initContainers ?? [];
      expect(init.map((c: any) => c.args)).toContainEqual(['node', `dist/apps/${service}/src/migrate.js`, 'wait']);
    }
  });

  it('gives every container probes (long-running ones), requests and limits, a non-root user, a read-only root and no capabilities', () => {
    const problems: string[] = [];
    for (const w of workloads) {
      const pod = podSpec(w);
      for (const c of containersOf(w)) {
        const where = `${w.kind}/${w.metadata.name} container ${c.name}`;
        const sc = c.securityContext ?? {};
        if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) problems.push(`${where}: runAsNonRoot is not true`);
        const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
        if (!(uid > 0)) problems.push(`${where}: no numeric non-root runAsUser`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation allowed`);
        if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities not all dropped`);
        // The image's entrypoint (tini, which passes SIGTERM on) stays: our containers set args, not command.
        if (c.image.includes('classconnect') && c.command) problems.push(`${where}: command replaces the image's tini entrypoint; use args`);
        for (const k of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
          const [a, b] = k.split('.') as [string, string];
          if (!c.resources?.[a]?.[b]) problems.push(`${where}: no ${k}`);
        }
      }
      if (w.kind !== 'Job') {
        for (const c of pod.containers) {
          for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) if (!c[p]) problems.push(`${w.kind}/${w.metadata.name} container ${c.name}: no ${p}`);
        }
      }
      if (pod.automountServiceAccountToken !== false) problems.push(`${w.kind}/${w.metadata.name}: mounts a service account token`);
    }
    expect(problems).toEqual([]);
  });

  it("probes the shared ops contract: the gateway on GATEWAY_PORT, the others on OPS_PORT=9100", () => {
    const config = find('ConfigMap', 'classconnect-config')!.data;
    expect(config.OPS_PORT).toBe('9100');
    for (const name of Services) {
      const c = mainContainer(name);
      const port = name === 'gateway' ? Number(config.GATEWAY_PORT) : 9100;
      expect(resolvePort([c], c.readinessProbe.httpGet.port)).toBe(port);
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(resolvePort([c], c.startupProbe.httpGet.port)).toBe(port);
      expect(resolvePort([c], c.livenessProbe.httpGet.port)).toBe(port);
      const svc = find('Service', name)!;
      expect(svc.spec.ports.map((p: any) => resolvePort([c], p.targetPort))).toEqual([port]);
    }
  });

  it('sets every variable each service’s config schema reads (and each migration Job’s), from the ConfigMap, a Secret or the pod', () => {
    const missing: string[] = [];
    const secretsRendered = byKind('Secret');
    const setIn = (w: K8sObject, c: any): Set<string> => {
      const names = new Set<string>((c.env ?? []).map((e: any) => e.name));
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) {
          const cm = find('ConfigMap', from.configMapRef.name);
          if (!cm) missing.push(`${w.metadata.name}: ConfigMap ${from.configMapRef.name} is not in the overlay`);
          for (const k of Object.keys(cm?.data ?? {})) names.add(k);
        }
        if (from.secretRef) {
          const s = secretsRendered.find((x) => x.metadata.name === from.secretRef.name);
          for (const k of Object.keys(s?.data ?? {})) names.add(k);
        }
      }
      return names;
    };
    for (const [name, schemas] of Object.entries(ServiceSchemas)) {
      const d = find('Deployment', name)!;
      const have = setIn(d, mainContainer(name));
      for (const schema of schemas) for (const v of variablesOf(schema)) if (!have.has(v)) missing.push(`${name}: ${v}`);
      if (!have.has('SERVICE_NAME')) missing.push(`${name}: SERVICE_NAME (the logs' service field)`);
    }
    for (const [service, job] of Object.entries(SchemaOwners)) {
      const j = find('Job', job)!;
      const have = setIn(j, j.spec.template.spec.containers[0]);
      const reads = [...variablesOf(MigrationSchemas[service]!), 'LOG_LEVEL'];
      for (const v of reads) if (!have.has(v)) missing.push(`${job} (${service}): ${v}`);
      for (const init of find('Deployment', service)!.spec.template.spec.initContainers ?? []) {
        const initHave = setIn(find('Deployment', service)!, init);
        for (const v of reads) if (!initHave.has(v)) missing.push(`${service} init ${init.name}: ${v}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('reads secrets only from Secrets, each by a key the overlay’s Secret has (when the overlay makes them)', () => {
    const secretNames = new Set(['AUTH_TOKEN_SECRET', 'DATABASE_URL', 'REDIS_URL', 'OIDC_CLIENT_SECRET', 'NATS_USER', 'NATS_PASSWORD']);
    const problems: string[] = [];
    const config = find('ConfigMap', 'classconnect-config')!.data;
    for (const k of secretNames) if (k in config) problems.push(`ConfigMap holds ${k}`);
    for (const w of workloads) {
      for (const c of containersOf(w)) {
        for (const e of c.env ?? []) {
          if (secretNames.has(e.name) && !e.valueFrom?.secretKeyRef) problems.push(`${w.metadata.name}/${c.name}: ${e.name} not from a Secret`);
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref || overlay === 'production') continue;
          const s = find('Secret', ref.name);
          if (!s && !ref.optional) problems.push(`${w.metadata.name}/${c.name}: Secret ${ref.name} is missing`);
          if (s && !ref.optional && !(ref.key in (s.data ?? {}))) problems.push(`${w.metadata.name}/${c.name}: Secret ${ref.name} has no ${ref.key}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets each port a NetworkPolicy opens be one its Service targets, and only the gateway take traffic from anywhere', () => {
    const problems: string[] = [];
    const policies = byKind('NetworkPolicy');
    const pods = [...objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind)), ...operatorWorkloads(objects)];
    const services = [...byKind('Service'), ...operatorServices(objects)];
    const podsOf = (selector: any) => pods.filter((o) => matches(selector, o.spec.template.metadata.labels));
    const targetedPorts = (pods: K8sObject[]) => {
      const ports = new Set<number>();
      for (const svc of services) {
        for (const pod of pods) {
          if (!Object.entries(svc.spec.selector ?? {}).every(([k, v]) => pod.spec.template.metadata.labels[k] === v)) continue;
          for (const p of svc.spec.ports) {
            const n = resolvePort(pod.spec.template.spec.containers, p.targetPort ?? p.port);
            if (n) ports.add(n);
          }
        }
      }
      return ports;
    };
    const defaultDeny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress && p.spec.policyTypes.includes('Ingress') && p.spec.policyTypes.includes('Egress'));
    if (!defaultDeny) problems.push('no default-deny policy (all pods, Ingress and Egress, no rule)');
    for (const np of policies) {
      const selected = podsOf(np.spec.podSelector);
      const everything = Object.keys(np.spec.podSelector).length === 0;
      if (!everything && selected.length === 0) problems.push(`${np.metadata.name}: selects no workload`);
      for (const rule of np.spec.ingress ?? []) {
        const ports = targetedPorts(selected);
        for (const p of rule.ports ?? []) if (!ports.has(p.port)) problems.push(`${np.metadata.name}: opens ${p.port}, which no Service targets on its pods`);
        if (!rule.ports?.length) problems.push(`${np.metadata.name}: an ingress rule without ports`);
        if (!rule.from?.length && selected.some((w) => w.metadata.name !== 'gateway')) problems.push(`${np.metadata.name}: lets anyone reach ${selected.map((w) => w.metadata.name).join(', ')}`);
      }
      for (const rule of np.spec.egress ?? []) {
        if (!rule.ports?.length) problems.push(`${np.metadata.name}: an egress rule without ports`);
        // A destination inside the namespace: the port must be one its Service targets.
        for (const to of rule.to ?? []) {
          if (!to.podSelector || to.namespaceSelector) continue;
          const ports = targetedPorts(podsOf(to.podSelector));
          for (const p of rule.ports ?? []) if (!ports.has(p.port)) problems.push(`${np.metadata.name}: egress to ${p.port}, which no Service targets there`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every service values its config schema accepts (an empty string is not a default for every setting)', () => {
    // Stand-ins for what production's Secrets hold; the dev overlay's own Secrets are used where it makes them.
    const placeholders: Record<string, string> = {
      AUTH_TOKEN_SECRET: 'x'.repeat(48),
      DATABASE_URL: 'postgres://classconnect:secret@classconnect-db-rw:5432/classconnect?sslmode=verify-full',
      REDIS_URL: 'rediss://:secret@redis.example.edu:6380',
    };
    const problems: string[] = [];
    for (const [name, schemas] of Object.entries(ServiceSchemas)) {
      const c = mainContainer(name);
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) if (from.configMapRef) Object.assign(env, find('ConfigMap', from.configMapRef.name)?.data ?? {});
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) {
          if (typeof e.value === 'string') env[e.name] = e.value;
          continue;
        }
        const data = find('Secret', ref.name)?.data?.[ref.key];
        if (data !== undefined) env[e.name] = Buffer.from(data, 'base64').toString('utf8');
        else if (placeholders[e.name]) env[e.name] = placeholders[e.name]!;
      }
      for (const schema of schemas) {
        const result = schema.safeParse(env);
        if (!result.success) for (const i of result.error.issues) problems.push(`${name}: ${i.path.join('.')}: ${i.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets only integration-service out to the internet on 80 and 443 (identity-service: 443, its OpenID provider), never to private ranges', () => {
    const pods = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
    const outward = new Map<string, Set<number>>();
    for (const np of byKind('NetworkPolicy')) {
      for (const rule of np.spec.egress ?? []) {
        const ports: number[] = (rule.ports ?? []).map((p: any) => p.port).filter((p: number) => p === 80 || p === 443);
        if (ports.length === 0) continue;
        // Open to any destination (no `to`) or to an address block: both reach outside the cluster.
        const blocks = (rule.to ?? []).filter((t: any) => t.ipBlock);
        if (rule.to?.length && blocks.length === 0) continue;
        for (const b of blocks) {
          const except: string[] = b.ipBlock.except ?? [];
          if (b.ipBlock.cidr === '0.0.0.0/0') expect(`${np.metadata.name}: ${except.join(',')}`).toBe(`${np.metadata.name}: ${['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8'].join(',')}`);
        }
        for (const w of pods.filter((o) => matches(np.spec.podSelector, o.spec.template.metadata.labels))) {
          const set = outward.get(w.metadata.name) ?? new Set<number>();
          for (const p of ports) set.add(p);
          outward.set(w.metadata.name, set);
        }
      }
    }
    const seen = Object.fromEntries([...outward].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
    expect(seen).toEqual({ 'identity-service': [443], 'integration-service': [80, 443], 'report-service': [443] });
  });

  it('spreads every service over nodes and zones, and autoscales the gateway and verification-service on CPU', () => {
    for (const d of deployments) {
      const keys = (d.spec.template.spec.topologySpreadConstraints ?? []).map((t: any) => t.topologyKey);
      expect(keys).toEqual(expect.arrayContaining(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']));
    }
    const hpas = byKind('HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name).sort();
    expect(hpas).toEqual(['gateway', 'verification-service']);
  });

  it('routes browsers to the gateway with no timeout on the sockets', () => {
    const route = find('HTTPRoute', 'classconnect')!;
    const socketRule = route.spec.rules.find((r: any) => r.matches.some((m: any) => m.path.value.startsWith('/socket.io')));
    expect(socketRule.timeouts.request).toBe('0s');
    const forwarded = route.spec.rules.filter((r: any) => r.backendRefs);
    for (const r of forwarded) expect(r.backendRefs).toEqual([{ name: 'gateway', port: find('Service', 'gateway')!.spec.ports[0].port }]);
    // The gateway's /metrics is not served to the internet.
    const metricsRule = route.spec.rules.find((r: any) => r.matches.some((m: any) => m.path.value === '/metrics'));
    expect(metricsRule.backendRefs).toBeUndefined();
    expect(metricsRule.filters[0].type).toBe('RequestRedirect');
  });

  if (overlay === 'dev') {
    it('runs NATS with JetStream, Redis and Postgres as StatefulSets with volumes', () => {
      for (const name of ['nats', 'redis', 'postgres']) {
        const s = find('StatefulSet', name)!;
        expect(s.spec.volumeClaimTemplates.length).toBe(1);
        expect(find('Service', name)).toBeDefined();
      }
      expect(find('ConfigMap', 'nats')!.data['nats.conf']).toMatch(/jetstream\s*\{[^}]*store_dir/);
    });
  }

  if (overlay === 'production') {
    it('pins every image to a version (no latest, no bare name)', () => {
      for (const w of workloads) {
        for (const c of containersOf(w)) {
          expect(`${c.name}: ${c.image}`).toMatch(/:(?!latest$)[\w.-]+$|@sha256:[0-9a-f]{64}$/);
        }
      }
    });

    it('runs two or more of every service, with 3 stream replicas on the university’s NATS cluster', () => {
      for (const d of deployments) expect(`${d.metadata.name}: ${d.spec.replicas}`).toBe(`${d.metadata.name}: ${Math.max(2, d.spec.replicas)}`);
      for (const h of byKind('HorizontalPodAutoscaler')) expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
      for (const p of byKind('PodDisruptionBudget')) expect(p.spec.maxUnavailable ?? 0).toBeLessThanOrEqual(1);
      const config = find('ConfigMap', 'classconnect-config')!.data;
      expect(config.NATS_STREAM_REPLICAS).toBe('3');
      const values = readFileSync(join(root, 'k8s/overlays/production/nats-values.yaml'), 'utf8');
      expect(values).toMatch(/cluster:\s*\n\s*enabled: true\s*\n\s*replicas: 3/);
      expect(values).toMatch(/jetstream:\s*\n\s*enabled: true\s*\n\s*fileStore:\s*\n\s*enabled: true/);
    });

    it('connects to NATS, Redis and Postgres over TLS with the CA mounted in every pod', () => {
      const config = find('ConfigMap', 'classconnect-config')!.data;
      for (const k of ['NATS_TLS_CA_FILE', 'REDIS_TLS_CA_FILE', 'DATABASE_TLS_CA_FILE']) {
        expect(config[k]).toMatch(/^\/etc\/classconnect\/ca\//);
        for (const w of workloads) {
          for (const c of containersOf(w)) {
            expect(`${w.metadata.name}/${c.name}: ${(c.volumeMounts ?? []).some((m: any) => config[k].startsWith(m.mountPath + '/'))}`).toBe(`${w.metadata.name}/${c.name}: true`);
          }
        }
      }
      expect(find('Cluster', 'classconnect-db')!.spec.instances).toBeGreaterThanOrEqual(3);
    });
  }
});
