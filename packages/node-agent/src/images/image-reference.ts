import { NodeAgentError } from '../errors.js';

/**
 * An image reference normalized the way Kubernetes (via the distribution reference library) does:
 *
 *   busybox                 -> docker.io/library/busybox:latest
 *   user/app:1.0            -> docker.io/user/app:1.0
 *   localhost:5000/app      -> localhost:5000/app:latest
 *   quay.io/a/b@sha256:...  -> quay.io/a/b@sha256:...   (no tag is added when a digest is given)
 *   index.docker.io/x       -> docker.io/library/x:latest
 *
 * The first path component is a registry domain only when the name has more than one component and that component
 * contains "." or ":" or is "localhost".
 */
export interface ImageReference {
  /** Registry domain, e.g. `docker.io`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
  /** `domain/path`. */
  repository: string;
  /** The full normalized string: `repository[:tag][@digest]`. */
  full: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$/;

function bad(input: string, why: string): NodeAgentError {
  return new NodeAgentError('InvalidReference', `invalid image reference "${input}": ${why}`);
}

/** Parses and normalizes `input`; throws InvalidReference with the reason when it is not a valid reference. */
export function parseImageReference(input: string): ImageReference {
  if (input.length === 0) throw bad(input, 'empty');
  if (input.length > 255 + 128 + 80) throw bad(input, 'too long');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(input, `digest "${digest}" is not algorithm:hex`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(input, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (rest.length === 0) throw bad(input, 'repository name is empty');

  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      path = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw bad(input, `registry "${domain}" is not a valid host[:port]`);
    }
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  for (const component of path.split('/')) {
    if (component !== component.toLowerCase()) throw bad(input, 'repository name must be lowercase');
    if (!COMPONENT.test(component)) throw bad(input, `path component "${component}" is not valid`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  const repository = `${domain}/${path}`;
  const full = repository + (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  return { domain, path, tag, digest, repository, full };
}

/** The normalized string form of `input`, e.g. `busybox` -> `docker.io/library/busybox:latest`. */
export function normalizeImageName(input: string): string {
  return parseImageReference(input).full;
}

/** True for a bare image ID, with or without its `sha256:` prefix. */
export function isImageId(input: string): boolean {
  return /^(sha256:)?[a-f0-9]{64}$/.test(input);
}
