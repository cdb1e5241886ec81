/** Leases, EndpointSlices and events.k8s.io Events. */
import type { KindValidator } from './kind-validator.js';
import { portNumber } from './names.js';

export const leaseValidator: KindValidator = {
  validate(obj, errs) {
    const s = obj.spec ?? {};
    if (s.leaseDurationSeconds !== undefined && !(s.leaseDurationSeconds > 0)) errs.invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0');
    if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) errs.invalid('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0');
  },
};

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

export const endpointSliceValidator: KindValidator = {
  validate(obj, errs) {
    if (!obj.addressType) errs.required('addressType');
    else if (!ADDRESS_TYPES.includes(obj.addressType)) errs.notSupported('addressType', obj.addressType, ADDRESS_TYPES);
    (obj.endpoints ?? []).forEach((e: any, i: number) => {
      if (!Array.isArray(e.addresses) || e.addresses.length === 0) errs.required(`endpoints[${i}].addresses`);
      else if (e.addresses.length > 100) errs.tooMany(`endpoints[${i}].addresses`, e.addresses.length, 100);
    });
    (obj.ports ?? []).forEach((p: any, i: number) => {
      if (p.port !== undefined && p.port !== null) for (const m of portNumber(p.port)) errs.invalid(`ports[${i}].port`, p.port, m);
    });
  },
  validateUpdate(next, prev, errs) {
    if (next.addressType !== prev.addressType) errs.immutable('addressType', next.addressType);
  },
};

export const eventsV1Validator: KindValidator = {
  nameChecker: (n) => (n.includes('/') ? ['may not contain "/"'] : []),
  validate(obj, errs) {
    if (!obj.eventTime) errs.required('eventTime');
    if (obj.type && !['Normal', 'Warning'].includes(obj.type)) errs.notSupported('type', obj.type, ['Normal', 'Warning']);
    if (!obj.reportingController) errs.required('reportingController');
    if (!obj.action) errs.required('action');
    if (!obj.reason) errs.required('reason');
  },
};
