import { CREDENTIAL_HEADER, credentialFor, issueCredentials, newMeshSecret, type ServiceCredentials } from '../http/service-credentials.js';
import type { Plan } from './plan.js';
import type { ServiceName } from './wiring.js';

/** The environment variable a service process gets its credentials in (JSON), from the harness that started it. */
export const CREDENTIALS_ENV = 'ORDERCTL_CREDENTIALS';
/** `off` when a harness runs the processes (it is their only client): the gateway then applies no abuse limits. */
export const LIMITS_ENV = 'ORDERCTL_ABUSE_LIMITS';
/** Where no harness issues them (a container): the mesh secret each service makes its own links' credentials from. */
export const MESH_SECRET_ENV = 'ORDERCTL_MESH_SECRET';

/** The harness as a caller: it loads a scenario's catalog into stock and its delivery zones into delivery. */
export const OPERATOR = 'operator';
const OPERATOR_LINKS = [
  { from: OPERATOR, to: 'stock' },
  { from: OPERATOR, to: 'delivery' },
] as const;

/** Who holds credentials: a service, or the harness. */
export type MeshMember = ServiceName | typeof OPERATOR;

/** The REST links of a style (service to service; the client's calls reach only the gateway), and the operator's. */
export const restLinks = (plan: Plan): { from: MeshMember; to: ServiceName }[] => [
  ...(plan.edges.filter((e) => e.by === 'rest' && e.from !== 'client') as { from: ServiceName; to: ServiceName }[]),
  ...OPERATOR_LINKS,
];

/** Credentials for each of `members`, issued from one secret (a fresh one unless given). */
export function meshCredentials(plan: Plan, members: readonly MeshMember[], secret = newMeshSecret()): Partial<Record<MeshMember, ServiceCredentials>> {
  const links = restLinks(plan);
  return Object.fromEntries(members.map((member) => [member, issueCredentials(secret, member, links)]));
}

/** The headers the harness sends on its own calls to `service` (none where it has no link). */
export const operatorHeaders = (credentials: Partial<Record<MeshMember, ServiceCredentials>>, service: ServiceName): Record<string, string> => {
  const value = credentialFor(credentials[OPERATOR], OPERATOR, service);
  return value ? { [CREDENTIAL_HEADER]: value } : {};
};

/** A service process's credentials from its environment: issued by its harness, or made from the mesh secret; undefined when it has neither. */
export function credentialsFromEnv(plan: Plan, service: ServiceName, env = process.env): ServiceCredentials | undefined {
  const issued = env[CREDENTIALS_ENV];
  if (issued) {
    const parsed = JSON.parse(issued) as ServiceCredentials;
    if (typeof parsed?.calls !== 'object' || typeof parsed?.accepts !== 'object') throw new Error(`${CREDENTIALS_ENV} is not {calls, accepts}`);
    return parsed;
  }
  const secret = env[MESH_SECRET_ENV];
  return secret ? meshCredentials(plan, [service], secret)[service] : undefined;
}
