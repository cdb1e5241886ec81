/**
 * Subresources: status, finalize and ephemeralcontainers (the object, restricted), scale (autoscaling/v1 Scale over spec.replicas),
 * binding (scheduling a pod), eviction (deleting a pod through the eviction API). Streaming subresources (log,
 * exec, attach, portforward) go to the node proxy.
 */
import {
  badRequest,
  conflict,
  invalid,
  isPlainObject,
  labelSelectorFromObject,
  methodNotAllowed,
  notFound,
  staleConflict,
  successStatus,
  type KubeObject,
  type ResourceDefinition,
} from '@skiff/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFoundStatus } from '../http/error-handling.js';
import type { ResponseFormat } from '../http/media-types.js';
import { parseDeleteOptions, parseWriteOptions } from '../http/query-options.js';
import { decodeObjectBody, objectBodySource } from '../http/request-body.js';
import { addWarnings, sendJson, sendStatus, sendUpdated } from '../http/respond.js';
import { nowTimestamp } from '../rest/object-fields.js';
import { groupResource, replacementFrom, type Producer } from '../rest/object-rest.js';
import type { ApiRoutesDeps } from './api-routes.js';
import { planPatch } from './patch-handler.js';
import { spendDisruption } from './pod-eviction.js';
import { issueToken } from './token-request.js';
import { getObject } from './read-handlers.js';

/** The Scale view of a workload. */
export function toScale(obj: KubeObject): KubeObject {
  const m = obj.metadata;
  const selector = obj.spec?.selector ? labelSelectorFromObject(obj.spec.selector).toString() : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

function checkScale(scale: unknown, name: string): KubeObject {
  if (!isPlainObject(scale)) throw badRequest('expected a Scale object');
  const s = scale as KubeObject;
  if (s.kind !== undefined && s.kind !== 'Scale') throw badRequest(`the object provided is unrecognized (must be of type Scale): kind "${String(s.kind)}"`);
  if (s.metadata?.name !== undefined && s.metadata.name !== name) {
    throw badRequest(`the name of the object (${String(s.metadata.name)}) does not match the name on the URL (${name})`);
  }
  const r = s.spec?.replicas;
  if (r !== undefined && (typeof r !== 'number' || !Number.isInteger(r) || r < 0)) {
    throw invalid('Scale', 'autoscaling', name, [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0` },
    ]);
  }
  return s;
}

async function scale(
  deps: ApiRoutesDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  def: ResourceDefinition,
  ns: string | undefined,
  name: string,
  q: URLSearchParams,
  format: ResponseFormat,
): Promise<FastifyReply> {
  const out: ResponseFormat = format === 'yaml' ? 'yaml' : 'json';
  if (req.method === 'GET') {
    const s = await deps.ctx.storage(def).get(ns, name);
    if (!s) throw notFound(groupResource(def), name);
    return sendJson(reply, 200, toScale(s.obj), out);
  }
  let produceScale: (scale: KubeObject) => KubeObject;
  let opts;
  if (req.method === 'PUT') {
    const body = checkScale(decodeObjectBody(req, deps.decodeProtobuf), name);
    produceScale = () => body;
    opts = parseWriteOptions(q, req.headers['user-agent']);
  } else if (req.method === 'PATCH') {
    const plan = planPatch(req, { ...def, kind: 'Scale', statusSubresource: false }, 'scale', q);
    produceScale = (s) => checkScale(plan.produce(s), name);
    opts = { ...plan.opts, applied: false };
  } else throw methodNotAllowed();
  const res = await deps.rest.update(
    def,
    ns,
    name,
    (cur) => {
      const wanted = produceScale(toScale(cur));
      const rv = wanted.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion) throw staleConflict(groupResource(def), name);
      cur.spec = { ...(cur.spec ?? {}), replicas: wanted.spec?.replicas ?? cur.spec?.replicas };
      return cur;
    },
    opts,
    'scale',
  );
  return sendJson(reply, 200, toScale(res.obj), out);
}

async function binding(deps: ApiRoutesDeps, req: FastifyRequest, reply: FastifyReply, def: ResourceDefinition, ns: string | undefined, name: string, q: URLSearchParams) {
  if (req.method !== 'POST') throw methodNotAllowed();
  const body = decodeObjectBody(req, deps.decodeProtobuf) as KubeObject;
  const node = body?.target?.name;
  if (!isPlainObject(body) || typeof node !== 'string' || !node) throw badRequest('a Binding needs target.name');
  if (body.metadata?.name !== undefined && body.metadata.name !== name) throw badRequest('the Binding name must match the pod name');
  const bind: Producer = (pod) => {
    if (pod.spec?.nodeName) throw conflict(groupResource(def), name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    if (pod.metadata.deletionTimestamp) throw conflict(groupResource(def), name, `pod ${name} is being deleted, cannot be assigned to a host`);
    pod.spec.nodeName = node;
    const conds: any[] = (pod.status ??= {}).conditions ?? [];
    pod.status.conditions = [...conds.filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() }];
    return pod;
  };
  bind.leavesManagedFields = true;
  await deps.rest.update(def, ns, name, bind, parseWriteOptions(q, req.headers['user-agent']), 'binding');
  return sendJson(reply, 201, successStatus(groupResource(def), name));
}

async function eviction(deps: ApiRoutesDeps, req: FastifyRequest, reply: FastifyReply, def: ResourceDefinition, ns: string | undefined, name: string, q: URLSearchParams) {
  if (req.method !== 'POST') throw methodNotAllowed();
  const body = decodeObjectBody(req, deps.decodeProtobuf) as KubeObject;
  if (!isPlainObject(body)) throw badRequest('expected an Eviction object');
  const opts = parseDeleteOptions(q, body.deleteOptions);
  if (ns) await spendDisruption(deps.ctx, deps.rest, def, ns, name, opts.dryRun);
  await deps.rest.delete(def, ns, name, opts);
  return sendJson(reply, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

export async function handleSubresource(
  deps: ApiRoutesDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  def: ResourceDefinition,
  ns: string | undefined,
  name: string,
  subresource: string,
  q: URLSearchParams,
  format: ResponseFormat,
): Promise<FastifyReply | void> {
  const sub = def.subresources.find((s) => s.name === subresource);
  if (!sub) return sendStatus(reply, notFoundStatus());
  const out: ResponseFormat = format === 'yaml' ? 'yaml' : 'json';
  switch (subresource) {
    case 'status':
    case 'finalize': {
      if (req.method === 'GET' && subresource === 'status') return getObject(deps.ctx, def, ns, name, q, format, reply);
      if (req.method === 'PUT') {
        const res = await deps.rest.update(def, ns, name, replacementFrom(objectBodySource(req, deps.decodeProtobuf)), parseWriteOptions(q, req.headers['user-agent']), subresource);
        return sendUpdated(reply, 200, res, out);
      }
      if (req.method === 'PATCH' && subresource === 'status') {
        const plan = planPatch(req, def, 'status', q);
        const res = await deps.rest.update(def, ns, name, plan.produce, plan.opts, 'status');
        return sendUpdated(addWarnings(reply, plan.opts.warnings), 200, res, out);
      }
      throw methodNotAllowed();
    }
    case 'ephemeralcontainers': {
      // The pod, of which a write may change spec.ephemeralContainers alone (object-rest.ts), as `kubectl debug` does.
      if (req.method === 'GET') return getObject(deps.ctx, def, ns, name, q, format, reply);
      if (req.method === 'PUT') {
        const res = await deps.rest.update(def, ns, name, replacementFrom(objectBodySource(req, deps.decodeProtobuf)), parseWriteOptions(q, req.headers['user-agent']), subresource);
        return sendUpdated(reply, 200, res, out);
      }
      if (req.method === 'PATCH') {
        const plan = planPatch(req, def, subresource, q);
        const res = await deps.rest.update(def, ns, name, plan.produce, plan.opts, subresource);
        return sendUpdated(addWarnings(reply, plan.opts.warnings), 200, res, out);
      }
      throw methodNotAllowed();
    }
    case 'scale':
      return scale(deps, req, reply, def, ns, name, q, format);
    case 'binding':
      return binding(deps, req, reply, def, ns, name, q);
    case 'eviction':
      return eviction(deps, req, reply, def, ns, name, q);
    case 'token': {
      if (req.method !== 'POST') throw methodNotAllowed();
      const tr = await issueToken(deps.ctx, deps.tokens, ns!, name, decodeObjectBody(req, deps.decodeProtobuf));
      return sendJson(reply, 201, tr, out);
    }
    default:
      return deps.streaming(req, reply, def, ns, name, subresource, q);
  }
}
