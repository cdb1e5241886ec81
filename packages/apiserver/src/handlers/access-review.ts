/**
 * authorization.k8s.io/v1 reviews: may this user do this (SelfSubjectAccessReview, `kubectl auth can-i`;
 * SubjectAccessReview and LocalSubjectAccessReview for another user), and what may I do in a namespace
 * (SelfSubjectRulesReview, `kubectl auth can-i --list`).
 *
 * They answer with the server's own authorizer. Skiff's is allow-all (pipeline/stages.ts), the decision
 * kube-apiserver makes with --authorization-mode=AlwaysAllow: every review is allowed and the rules are "everything".
 * RBAC objects are stored but do not restrict anyone yet, so answering from them would describe a server that
 * does not exist.
 */
import { badRequest, invalid, isPlainObject, type KubeObject, type ResourceDefinition, type StatusCause } from '@skiff/api';
import { answerMetadata, reviewRequest } from './review-request.js';

/** What the server's authorizer decides for any attributes: allow (see the file comment). */
const DECISION = { allowed: true } as const;

function required(field: string, message: string): StatusCause {
  return { reason: 'FieldValueRequired', message: `Required value: ${message}`, field };
}

function invalidValue(field: string, value: unknown, message: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value ?? '')}: ${message}`, field };
}

/** Exactly one of resourceAttributes and nonResourceAttributes, as the real validation asks. */
function attributeCauses(spec: Record<string, any>): StatusCause[] {
  const res = spec.resourceAttributes;
  const nonRes = spec.nonResourceAttributes;
  if (res !== undefined && res !== null && !isPlainObject(res)) return [invalidValue('spec.resourceAttributes', res, 'must be an object')];
  if (nonRes !== undefined && nonRes !== null && !isPlainObject(nonRes)) return [invalidValue('spec.nonResourceAttributes', nonRes, 'must be an object')];
  if (res && nonRes) return [invalidValue('spec.nonResourceAttributes', nonRes, 'cannot be specified in combination with resourceAttributes')];
  if (!res && !nonRes) return [required('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  return [];
}

function reviewBody(def: ResourceDefinition, body: unknown): KubeObject & { spec: Record<string, any> } {
  const obj = reviewRequest(def, body);
  const spec = obj.spec ?? {};
  if (!isPlainObject(spec)) throw invalid(def.kind, def.group, '', [invalidValue('spec', spec, 'must be an object')]);
  return { ...obj, spec: spec as Record<string, any> };
}

/** The request echoed back with its status, as the real server answers a review (nothing is stored). */
function answered(def: ResourceDefinition, obj: KubeObject, spec: Record<string, any>, status: unknown): KubeObject {
  return { kind: def.kind, apiVersion: `${def.group}/${def.version}`, metadata: answerMetadata(obj), spec, status } as KubeObject;
}

/**
 * POST of a SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview (in `namespace`) or
 * SelfSubjectRulesReview. The allow-all authorizer decides without looking at who asks or whom spec.user names.
 */
export function reviewAccess(def: ResourceDefinition, namespace: string | undefined, body: unknown): KubeObject {
  const obj = reviewBody(def, body);
  const spec = { ...obj.spec };
  switch (def.kind) {
    case 'SelfSubjectRulesReview': {
      // The rules of an allow-all authorizer, as the real AlwaysAllow one lists them.
      const status = { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
      return answered(def, obj, spec, status);
    }
    case 'SelfSubjectAccessReview': {
      const causes = attributeCauses(spec);
      if (causes.length) throw invalid(def.kind, def.group, '', causes);
      return answered(def, obj, spec, { ...DECISION });
    }
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const causes = attributeCauses(spec);
      const groups = spec.groups;
      if (groups !== undefined && groups !== null && (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))) {
        causes.push(invalidValue('spec.groups', groups, 'must be a list of strings'));
      } else if (!spec.user && !(groups?.length > 0)) {
        causes.push(invalidValue('spec.user', spec.user, 'at least one of user or group must be specified'));
      }
      if (def.kind === 'LocalSubjectAccessReview') {
        if (spec.nonResourceAttributes) causes.push(invalidValue('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
        const metaNs = obj.metadata?.namespace;
        if (metaNs && metaNs !== namespace) throw badRequest(`metadata.namespace must match the request's namespace: ${metaNs} != ${namespace}`);
        if (isPlainObject(spec.resourceAttributes)) {
          const attrs = { ...(spec.resourceAttributes as Record<string, unknown>) };
          if (!attrs.namespace) attrs.namespace = namespace;
          else if (attrs.namespace !== namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
          spec.resourceAttributes = attrs;
        }
      }
      if (causes.length) throw invalid(def.kind, def.group, '', causes);
      return answered(def, obj, spec, { ...DECISION });
    }
  }
  // Only the kinds above are routed here (api-routes.ts); a new review kind must be added to this switch.
  throw badRequest(`${def.kind} is not an access review`);
}

/** Whether `def` is one of the access reviews above. */
export function isAccessReview(def: ResourceDefinition): boolean {
  return def.computed === 'review' && def.group === 'authorization.k8s.io';
}
