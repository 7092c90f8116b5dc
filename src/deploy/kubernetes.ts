import { chmod, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { AppError } from '../core/errors.js';
import { planOf } from '../system/links/index.js';
import { CREDENTIALS_ENV, meshCredentials } from '../system/mesh.js';
import type { Replicas } from '../system/process-plan.js';
import { SERVICES } from '../system/wiring.js';
import { variants as builtInVariants } from '../variants/index.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { ruleProblems, schemaProblems, type Generated, type KubeObject } from './kubernetes-checks.js';
import { postgresObjects, rabbitmqObjects } from './kubernetes-infra.js';
import { denyAll, gatewayIngress, gatewayOpen, linkPolicies } from './kubernetes-network.js';
import { clusterPlan, credentialsSecret, SECRET_OF, STYLE_FILE } from './kubernetes-plan.js';
import { SecretFiles, type Externals } from './kubernetes-secrets.js';
import { ORDERCTL_IMAGE, serviceObjects, STYLE_CONFIG_MAP } from './kubernetes-services.js';
import { makeFolders } from '../core/make-folders.js';

/** What `orderctl deploy k8s` is asked for. */
export interface KubernetesOptions extends Externals {
  variants: Variant[];
  /** One scaled overlay per style for each set given. */
  replicaSets: Replicas[];
  host: string;
  /** The image every service runs, `name[:tag]`. */
  image: string;
  out: string;
}

/** The fields of a kustomization.yaml these manifests use (a misspelt one does not compile). */
interface Kustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1' | 'kustomize.config.k8s.io/v1alpha1';
  kind: 'Kustomization' | 'Component';
  resources?: string[];
  components?: string[];
  secretGenerator?: { name: string; envs?: string[]; files?: string[] }[];
  configMapGenerator?: { name: string; files: string[] }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
}

/** One overlay written: the style, its folder (relative to the output), its replica set (none for the style's own). */
export interface Overlay {
  style: string;
  dir: string;
  replicas?: Replicas;
  /** How many objects `kubectl kustomize` prints for it. */
  objects: number;
}

/** What was written, and which files of secret values were made or kept. */
export interface KubernetesResult {
  out: string;
  overlays: Overlay[];
  /** Files of secret values: made now with random values (or the URLs given), kept as they were, and each style's link credentials (written anew from the kept mesh secret). */
  secrets: { made: string[]; kept: string[]; credentials: string[] };
  /** Objects validated against their schema and our rules (each overlay's, counted once per overlay). */
  checked: number;
}

const HEADER = '# Written by `orderctl deploy k8s` from the plan `orderctl serve --processes` runs. Run it again rather than editing.\n';
const yaml = (objects: readonly unknown[]) => HEADER + objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
const kustomization = (k: Kustomization) => HEADER + stringify(k, { lineWidth: 0 });
const json = (objects: { toJSON(): unknown }[]) => objects.map((o) => o.toJSON() as KubeObject);

/** `billing=3,notification=2` as a folder name: `billing-3-notification-2`. */
export const replicaSetName = (replicas: Replicas) => Object.entries(replicas).map(([s, n]) => `${s}-${n}`).join('-');

/** `registry/orderctl:1.2` → kustomize's image override. */
function imageOverride(image: string): { name: string; newName?: string; newTag?: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const [name, tag] = colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
  return { name: ORDERCTL_IMAGE, ...(name !== ORDERCTL_IMAGE ? { newName: name } : {}), ...(tag ? { newTag: tag } : {}) };
}

/**
 * Writes plain Kubernetes manifests with Kustomize: `base/` (Ingress, policies, token key), components
 * for PostgreSQL and RabbitMQ (or the user's URLs), one overlay per style (`styles/<style>`: a Deployment
 * and a Service per service, built from the plan `--processes` runs, and who may call whom) and one per
 * style and replica set (`scaled/<style>-<set>`). Every overlay is validated before anything is written.
 */
export async function writeKubernetes(options: KubernetesOptions): Promise<KubernetesResult> {
  const out = resolve(options.out);
  const files = new Map<string, string>();
  const secrets = new SecretFiles(out);
  const generated: Generated = { secrets: {}, configMaps: {} };
  const secretEnv = (name: string, file: string, values: Record<string, string>) => {
    generated.secrets[name] = Object.keys(values);
    return { name, envs: [file] };
  };

  // base: what every style shares.
  const baseObjects = [gatewayIngress(options.host), denyAll(), gatewayOpen()];
  files.set('base/resources.yaml', yaml(baseObjects));
  const jwt = secrets.jwt('base/secrets/jwt.env');
  files.set('base/kustomization.yaml', kustomization({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['resources.yaml'], secretGenerator: [secretEnv(SECRET_OF.ORDERCTL_JWT_SECRET, 'secrets/jwt.env', jwt)] }));
  const meshSecret = secrets.mesh('base/secrets/mesh.env');

  // components: the store and the broker, in the cluster or the user's.
  const component = (dir: string, name: string, values: Record<string, string>, objects: KubeObject[]) => {
    if (objects.length) files.set(`components/${dir}/resources.yaml`, yaml(objects));
    files.set(`components/${dir}/kustomization.yaml`, kustomization({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', ...(objects.length ? { resources: ['resources.yaml'] } : {}), secretGenerator: [secretEnv(name, 'secrets/values.env', values)] }));
    return { dir: `components/${dir}`, objects };
  };
  const store = options.store
    ? component('external-store', SECRET_OF.ORDERCTL_STORE, secrets.store('components/external-store/secrets/values.env', options.store), [])
    : component('postgres', SECRET_OF.ORDERCTL_STORE, secrets.store('components/postgres/secrets/values.env'), json(postgresObjects()));
  const needsBroker = options.variants.some(usesBroker);
  const broker = !needsBroker
    ? undefined
    : options.broker
      ? component('external-broker', SECRET_OF.ORDERCTL_BROKER, secrets.broker('components/external-broker/secrets/values.env', options.broker), [])
      : component('rabbitmq', SECRET_OF.ORDERCTL_BROKER, secrets.broker('components/rabbitmq/secrets/values.env'), json(rabbitmqObjects()));

  const overlays: Overlay[] = [];
  let checked = 0;
  const problems: string[] = [];
  for (const variant of options.variants) {
    const dir = `styles/${variant.name}`;
    const ownStyle = !builtInVariants.includes(variant);
    const plan = planOf(variant);
    const planned = clusterPlan(variant);
    const serviceJson = json(planned.flatMap((p) => serviceObjects(p, ownStyle)));
    const policies = json(linkPolicies(plan));
    files.set(`${dir}/services.yaml`, yaml(serviceJson));
    files.set(`${dir}/network-policies.yaml`, yaml(policies));
    const credentials = meshCredentials(plan, SERVICES, meshSecret);
    const secretGenerator = SERVICES.map((service) => {
      const file = `secrets/${service}.json`;
      secrets.derived(`${dir}/${file}`, JSON.stringify(credentials[service]));
      generated.secrets[credentialsSecret(service)] = [CREDENTIALS_ENV];
      return { name: credentialsSecret(service), files: [`${CREDENTIALS_ENV}=${file}`] };
    });
    if (ownStyle) {
      files.set(`${dir}/${STYLE_FILE}`, await readFile(variant.source!, 'utf8'));
      generated.configMaps[STYLE_CONFIG_MAP] = [STYLE_FILE];
    }
    const components = [store.dir, ...(usesBroker(variant) && broker ? [broker.dir] : [])].map((c) => `../../${c}`);
    files.set(
      `${dir}/kustomization.yaml`,
      kustomization({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['../../base', 'services.yaml', 'network-policies.yaml'],
        components,
        secretGenerator,
        images: [imageOverride(options.image)],
        ...(ownStyle ? { configMapGenerator: [{ name: STYLE_CONFIG_MAP, files: [STYLE_FILE] }] } : {}),
      }),
    );
    const objects = [...json(baseObjects), ...store.objects, ...(usesBroker(variant) && broker ? broker.objects : []), ...serviceJson, ...policies];
    const found = [...schemaProblems(objects), ...ruleProblems(objects, generated)];
    problems.push(...found.map((p) => `${dir}: ${p}`));
    checked += objects.length;
    // Generated Secrets (the token key, the store's and broker's URLs, one per service) and the style's ConfigMap.
    const generatedCount = 1 + 1 + (usesBroker(variant) ? 1 : 0) + SERVICES.length + (ownStyle ? 1 : 0);
    overlays.push({ style: variant.name, dir, objects: objects.length + generatedCount });
    for (const set of options.replicaSets) {
      const scaled = `scaled/${variant.name}-${replicaSetName(set)}`;
      files.set(`${scaled}/kustomization.yaml`, kustomization({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [`../../${dir}`], replicas: Object.entries(set).map(([name, count]) => ({ name, count: count! })) }));
      overlays.push({ style: variant.name, dir: scaled, replicas: set, objects: objects.length + generatedCount });
    }
  }
  if (problems.length) throw new AppError('INTERNAL', `the manifests do not pass their checks:\n  ${problems.join('\n  ')}`);

  files.set('.gitignore', '# Secret values (made by orderctl deploy k8s, or yours): never commit them.\nsecrets/\n');
  for (const [path, content] of files) {
    await makeFolders(dirname(join(out, path)));
    await writeFile(join(out, path), content);
  }
  for (const file of secrets.files.filter((f) => !f.kept)) {
    const path = join(out, file.path);
    await makeFolders(dirname(path), 0o700);
    await writeFile(path, file.content, { mode: 0o600 });
    await chmod(path, 0o600);
  }
  const of = (kept: boolean, derived: boolean) => secrets.files.filter((f) => f.kept === kept && f.derived === derived).map((f) => f.path);
  return { out, overlays, secrets: { made: of(false, false), kept: of(true, false), credentials: of(false, true) }, checked };
}
