/** Core kinds other than pods and services. */
import { isPlainObject } from '../object.js';
import type { KindValidator } from './kind-validator.js';
import { configMapKey, dns1123Label, dns1123Subdomain, ipAddress, portNumber } from './names.js';
import { validateEphemeralContainersUpdate, validatePodSpec, validatePodSpecUpdate } from './pod-spec.js';

const MAX_DATA_BYTES = 1024 * 1024;

function validateDataKeys(map: unknown, path: string, errs: Parameters<NonNullable<KindValidator['validate']>>[1]): number {
  if (map === undefined || map === null) return 0;
  if (!isPlainObject(map)) {
    errs.invalid(path, map, 'must be a map of string keys to string values');
    return 0;
  }
  let size = 0;
  for (const [k, v] of Object.entries(map)) {
    errs.check(path, k, configMapKey);
    if (typeof v !== 'string') errs.invalid(`${path}[${k}]`, v, 'must be a string');
    else size += v.length;
  }
  return size;
}

export const podValidator: KindValidator = {
  validate(obj, errs) {
    validatePodSpec(obj.spec, 'spec', errs);
  },
  validateUpdate(next, prev, errs) {
    validatePodSpecUpdate(next.spec, prev.spec, errs);
    validateEphemeralContainersUpdate(next.spec, prev.spec, errs);
  },
};

export const namespaceValidator: KindValidator = {
  nameChecker: dns1123Label,
  validate(obj, errs) {
    (obj.spec?.finalizers ?? []).forEach((f: unknown, i: number) => {
      if (typeof f !== 'string' || !f) errs.invalid(`spec.finalizers[${i}]`, f, 'must be a non-empty string');
    });
  },
};

export const configMapValidator: KindValidator = {
  validate(obj, errs) {
    const size = validateDataKeys(obj.data, 'data', errs);
    const binary = obj.binaryData ?? {};
    for (const k of Object.keys(binary)) {
      errs.check('binaryData', k, configMapKey);
      if (obj.data && k in obj.data) errs.invalid('binaryData', k, 'duplicate of key present in data');
    }
    if (size > MAX_DATA_BYTES) errs.tooLong('', MAX_DATA_BYTES);
  },
  validateUpdate(next, prev, errs) {
    if (prev.immutable === true) {
      if (JSON.stringify(next.data ?? {}) !== JSON.stringify(prev.data ?? {})) errs.forbidden('data', 'field is immutable when `immutable` is set');
      if (JSON.stringify(next.binaryData ?? {}) !== JSON.stringify(prev.binaryData ?? {})) errs.forbidden('binaryData', 'field is immutable when `immutable` is set');
      if (next.immutable !== true) errs.forbidden('immutable', 'field is immutable when `immutable` is set');
    }
  },
};

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export const secretValidator: KindValidator = {
  validate(obj, errs) {
    const data = obj.data ?? {};
    for (const [k, v] of Object.entries(data)) {
      errs.check('data', k, configMapKey);
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) errs.invalid(`data[${k}]`, '<secret contents redacted>', 'must be base64 encoded');
    }
    validateDataKeys(obj.stringData, 'stringData', errs);
    for (const key of SECRET_REQUIRED_KEYS[obj.type] ?? []) {
      if (!(key in data) && !(key in (obj.stringData ?? {}))) errs.required(`data[${key}]`);
    }
  },
  validateUpdate(next, prev, errs) {
    if ((next.type ?? 'Opaque') !== (prev.type ?? 'Opaque')) errs.immutable('type', next.type);
    if (prev.immutable === true && JSON.stringify(next.data ?? {}) !== JSON.stringify(prev.data ?? {})) {
      errs.forbidden('data', 'field is immutable when `immutable` is set');
    }
  },
};

export const endpointsValidator: KindValidator = {
  validate(obj, errs) {
    (obj.subsets ?? []).forEach((s: any, i: number) => {
      for (const list of ['addresses', 'notReadyAddresses']) {
        (s[list] ?? []).forEach((a: any, j: number) => {
          if (!a.ip || !ipAddress(a.ip)) errs.invalid(`subsets[${i}].${list}[${j}].ip`, a.ip ?? '', 'must be a valid IP address');
        });
      }
      (s.ports ?? []).forEach((p: any, j: number) => {
        for (const m of portNumber(p.port)) errs.invalid(`subsets[${i}].ports[${j}].port`, p.port, m);
      });
    });
  },
};

export const nodeValidator: KindValidator = {
  validate(obj, errs) {
    (obj.spec?.taints ?? []).forEach((t: any, i: number) => {
      if (!t.key) errs.required(`spec.taints[${i}].key`);
      if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
        errs.notSupported(`spec.taints[${i}].effect`, t.effect ?? '', ['NoExecute', 'NoSchedule', 'PreferNoSchedule']);
      }
    });
    if (obj.spec?.podCIDR && !/^[0-9a-fA-F.:]+\/\d+$/.test(obj.spec.podCIDR)) errs.invalid('spec.podCIDR', obj.spec.podCIDR, 'must be a valid CIDR');
  },
};

export const eventValidator: KindValidator = {
  // Event names are generated from the involved object and a timestamp; the server only checks the path segment.
  nameChecker: (n) => (n.includes('/') || n === '.' || n === '..' ? ['may not contain "/" or be "." or ".."'] : []),
  validate(obj, errs) {
    if (!obj.involvedObject && !obj.regarding) errs.required('involvedObject');
    if (obj.type && !['Normal', 'Warning'].includes(obj.type)) errs.notSupported('type', obj.type, ['Normal', 'Warning']);
  },
};

export const serviceAccountValidator: KindValidator = {
  validate(obj, errs) {
    (obj.secrets ?? []).forEach((s: any, i: number) => {
      if (s.name) errs.check(`secrets[${i}].name`, s.name, dns1123Subdomain);
    });
  },
};
