/**
 * What the server knows about one resource: enough to route a URL, answer discovery, pick a storage key, and
 * decide which parts of an object a verb may change.
 */
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceDefinition {
  /** `status`, `scale`, `log`... */
  name: string;
  /** The kind the subresource takes and returns, when it differs from the parent's group/version. */
  group: string;
  version: string;
  kind: string;
  verbs: Verb[];
}

export interface ResourceDefinition {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: the URL segment and the storage key segment. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames: string[];
  categories: string[];
  subresources: SubresourceDefinition[];
  /**
   * Whether the kind splits spec and status: a write to the main resource keeps the stored status, a write to
   * /status keeps everything else, and a spec change bumps metadata.generation.
   */
  statusSubresource: boolean;
  /**
   * Answered by the server, never stored, so there is no watch:
   *   review   a request kind (SelfSubjectAccessReview, TokenReview, ...): a create is answered with the object and
   *            its status filled in
   *   metrics  metrics.k8s.io (NodeMetrics, PodMetrics): get and list read the nodes' current usage
   */
  computed?: 'review' | 'metrics';
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
