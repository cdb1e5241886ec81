/** PATCH in its four content types, on an object or on its status. */
import { badRequest, invalid, isPlainObject, unsupportedMediaType, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResponseFormat } from '../http/media-types.js';
import { parseWriteOptions, type WriteOptions } from '../http/query-options.js';
import {
  APPLY_PATCH,
  JSON_PATCH,
  MERGE_PATCH,
  PATCH_TYPES,
  STRATEGIC_MERGE_PATCH,
  parseJson,
  parseYamlDocument,
  rawBody,
} from '../http/request-body.js';
import { addWarnings, sendUpdated } from '../http/respond.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { scopeOf } from '../patch/managed-fields.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { serverSideApply } from '../patch/server-side-apply.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.js';
import type { ObjectRest, Producer } from '../rest/object-rest.js';
import type { ServerContext } from '../rest/server-context.js';

export interface PatchPlan {
  produce: (current: KubeObject) => KubeObject;
  /** For server-side apply of an absent object: the object to create. */
  createFrom?: () => KubeObject;
  opts: WriteOptions;
}

/**
 * Reads the patch body and returns how to turn the current object into the patched one. `kind` selects
 * kind-specific merge keys (Service ports).
 */
export function planPatch(req: FastifyRequest, def: ResourceDefinition, subresource: string | undefined, q: URLSearchParams): PatchPlan {
  const body = rawBody(req);
  if (!body) throw badRequest('the request body is empty: expected a patch');
  const opts = parseWriteOptions(q, req.headers['user-agent']);
  switch (body.type) {
    case JSON_PATCH: {
      const ops = parseJson(body.bytes);
      return { produce: (cur) => applyJsonPatch(cur, ops), opts };
    }
    case MERGE_PATCH: {
      const p = parseJson(body.bytes);
      if (!isPlainObject(p)) throw badRequest('merge patch: the patch must be a JSON object');
      return { produce: (cur) => applyMergePatch(cur, p) as KubeObject, opts };
    }
    case STRATEGIC_MERGE_PATCH: {
      const p = parseJson(body.bytes);
      return { produce: (cur) => applyStrategicMergePatch(cur, p, def.kind), opts };
    }
    case APPLY_PATCH: {
      const intent = parseYamlDocument(body.bytes);
      if (!isPlainObject(intent)) throw badRequest('apply: the body must be an object');
      if (!opts.fieldManager) {
        throw invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
      }
      if (!intent.apiVersion) throw badRequest('apiVersion must be set in the applied object');
      if (!intent.kind) throw badRequest('kind must be set in the applied object');
      const applyReq = { manager: opts.fieldManager, subresource: subresource ?? '', force: opts.force, scope: scopeOf(subresource ?? '', def.statusSubresource) };
      const applied = { ...opts, applied: true };
      return {
        produce: (cur) => serverSideApply(cur, intent as KubeObject, applyReq),
        createFrom: () => serverSideApply(undefined, intent as KubeObject, applyReq),
        opts: applied,
      };
    }
    default:
      throw unsupportedMediaType(body.type, PATCH_TYPES);
  }
}

export async function patchObject(
  _ctx: ServerContext,
  rest: ObjectRest,
  req: FastifyRequest,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  subresource: string | undefined,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const plan = planPatch(req, def, subresource, q);
  const produce: Producer = plan.produce;
  const createIfMissing = plan.createFrom && !subresource ? () => rest.create(def, namespace, plan.createFrom!(), plan.opts) : undefined;
  const res = await rest.update(def, namespace, name, produce, plan.opts, subresource, createIfMissing);
  return sendUpdated(addWarnings(reply, plan.opts.warnings), res.created ? 201 : 200, res, format);
}
