/**
 * The OpenAPI documents, built once and kept serialized (with their hash, which clients cache by).
 * Each group/version's v3 document has the paths of its resources with every verb's operation, the
 * x-kubernetes-group-version-kind and -action extensions kubectl reads, the fieldValidation parameter kubectl
 * checks before it trusts the server to validate, and schemas of the kinds (schemas.ts).
 */
import { createHash } from 'node:crypto';
import { groupVersionOf, type ResourceDefinition, type ResourceRegistry } from '@skiff/api';
import { buildPaths } from './paths.js';
import { SchemaBuilder } from './schemas.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export class OpenApiDocuments {
  private readonly v3 = new Map<string, { body: string; hash: string }>();
  private v2Body: string | undefined;

  constructor(private readonly registry: ResourceRegistry) {
    for (const gv of registry.groupVersions()) {
      const defs = registry.resourcesOf(gv.group ? `${gv.group}/${gv.version}` : gv.version);
      const body = JSON.stringify(this.buildV3(defs));
      const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
      this.v3.set(gvPath(gv.group, gv.version), { body, hash });
    }
  }

  private buildV3(defs: ResourceDefinition[]): unknown {
    const schemas = new SchemaBuilder('#/components/schemas/');
    const paths: Record<string, unknown> = {};
    for (const def of defs) Object.assign(paths, buildPaths(def, schemas, 'v3'));
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths,
      components: { schemas: schemas.definitions() },
    };
  }

  v3Index(): string {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [p, d] of this.v3) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    return JSON.stringify({ paths });
  }

  v3Document(path: string): string | undefined {
    return this.v3.get(path.replace(/\/$/, ''))?.body;
  }

  v2(): string {
    if (!this.v2Body) {
      const schemas = new SchemaBuilder('#/definitions/');
      const paths: Record<string, unknown> = {};
      for (const def of this.registry.all) Object.assign(paths, buildPaths(def, schemas, 'v2'));
      this.v2Body = JSON.stringify({
        swagger: '2.0',
        info: { title: 'Kubernetes', version: 'v1.32.0' },
        paths,
        definitions: schemas.definitions(),
      });
    }
    return this.v2Body;
  }

  /** For tests: the group/versions documented. */
  groupVersions(): string[] {
    return this.registry.groupVersions().map((gv) => groupVersionOf(gv));
  }
}
