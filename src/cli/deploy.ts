import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { isBrokerUrl, maskUrl } from '../broker/broker-url.js';
import { writeKubernetes } from '../deploy/kubernetes.js';
import { DEFAULT_HOST } from '../deploy/kubernetes-network.js';
import { parseReplicas, type Replicas } from '../system/process-plan.js';
import { table } from './format.js';
import { postmanCommand } from './deploy-postman.js';
import { selectVariants, variantOption, variantsDirOption } from './options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** `--replicas billing=3,notification=2`, as often as there are replica sets to write. */
const replicaSets = (text: string, sets: Replicas[] = []): Replicas[] => {
  try {
    return [...sets, parseReplicas(text)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/** An option's URL, checked by `valid`; never read from the environment (a deployment names its own). */
const urlOption = (flags: string, description: string, valid: (url: string) => boolean, example: string) =>
  new Option(flags, description).argParser((url: string) => {
    if (!valid(url)) throw new InvalidArgumentError(`must be a URL such as ${example}, not "${maskUrl(url)}"`);
    return url;
  });

const host = (value: string) => {
  if (value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) throw new InvalidArgumentError(`must be a DNS name such as ${DEFAULT_HOST}, not "${value}"`);
  return value;
};

interface K8sOptions {
  variant: string;
  replicas?: Replicas[];
  store?: string;
  broker?: string;
  host: string;
  image: string;
  out: string;
  json?: boolean;
}

function k8sCommand(): Command {
  return new Command('k8s')
    .description('write Kubernetes manifests (Kustomize: a base, one overlay per style and per replica set) from the plan `serve --processes` runs, validated offline')
    .addOption(variantOption(true, 'all'))
    .addOption(variantsDirOption())
    .option('--replicas <list>', 'also write an overlay per style with that many pods of a service, e.g. billing=3,notification=2 (repeat for more sets)', replicaSets)
    .addOption(urlOption('--store <url>', 'a PostgreSQL of your own for every service (default: a PostgreSQL StatefulSet in the cluster)', (u) => /^postgres(ql)?:\/\/[^/]/.test(u), 'postgres://user:password@db.example:5432/orderctl'))
    .addOption(urlOption('--broker <url>', 'a RabbitMQ of your own for the styles with messages (default: a RabbitMQ StatefulSet in the cluster)', isBrokerUrl, 'amqp://user:password@mq.example:5672'))
    .option('--host <name>', 'the host the Ingress answers for', host, DEFAULT_HOST)
    .option('--image <image>', 'the orderctl image every service runs (build it from the Dockerfile)', `orderctl:${version}`)
    .option('--out <dir>', 'where to write the manifests', 'k8s')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
Secret values (the token key, the database and broker passwords, each service's link credentials) are
never written into a manifest: kustomize's secretGenerator reads them from secrets/ folders, which this
command fills with random values the first time and keeps afterwards; <out>/.gitignore keeps them out of
git. Put your own values there (same file names) before applying, if you have them. See docs/kubernetes.md.

Exit codes: 0 written, 2 usage error, 3 the manifests did not pass their checks.

Examples:
  $ orderctl deploy k8s --variant hybrid --replicas billing=3
  $ kubectl apply -k k8s/styles/hybrid            # or k8s/scaled/hybrid-billing-3
  $ orderctl deploy k8s --variant ./my-style.yaml --store postgres://orderctl:…@db:5432/orderctl --host shop.example`,
    )
    .action(async (options: K8sOptions) => {
      const result = await writeKubernetes({
        variants: selectVariants(options.variant),
        replicaSets: options.replicas ?? [],
        store: options.store,
        broker: options.broker,
        host: options.host,
        image: options.image,
        out: options.out,
      });
      if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const where = relative(process.cwd(), result.out) || '.';
      const rows = result.overlays.map((o) => [`${where}/${o.dir}`, o.style, o.replicas ? Object.entries(o.replicas).map(([s, n]) => `${s} ×${n}`).join(', ') : '1 pod each', String(o.objects)]);
      process.stdout.write(`${table(['overlay', 'style', 'replicas', 'objects'], rows)}\n\n`);
      if (result.secrets.made.length) process.stdout.write(`secret values made (mode 600, ignored by ${where}/.gitignore): ${result.secrets.made.join(', ')}\n`);
      if (result.secrets.kept.length) process.stdout.write(`secret values kept as they were: ${result.secrets.kept.join(', ')}\n`);
      process.stdout.write(`link credentials of each service: ${result.secrets.credentials.length} files under ${where}/styles/*/secrets/, made from base/secrets/mesh.env (which stays out of the cluster)\n`);
      process.stdout.write(`${result.checked} objects passed the schema of their kind and our rules (names, selectors, ports, probes, Secrets).\n`);
      // The overlay asked for: a scaled one when --replicas was given; a path that works from here.
      const next = result.overlays.find((o) => o.replicas) ?? result.overlays[0];
      const dir = where.startsWith('..') ? result.out : where;
      process.stdout.write(`\nNext: docker build -t ${options.image} . (and push it where the cluster pulls from), then\n  kubectl create namespace shop\n  kubectl apply -n shop -k ${dir}/${next?.dir ?? 'styles/<style>'}\n`);
    });
}

export function deployCommand(): Command {
  return new Command('deploy')
    .description('run the system elsewhere: Kubernetes manifests (k8s), a Postman collection of the scenarios (postman)')
    .addCommand(k8sCommand())
    .addCommand(postmanCommand())
    .addHelpText('after', '\nExamples:\n  $ orderctl deploy k8s --variant hybrid --replicas billing=3\n  $ orderctl deploy postman --variant hybrid --out orderctl.postman_collection.json\n  $ newman run orderctl.postman_collection.json --env-var baseUrl=http://arch.homework');
}
