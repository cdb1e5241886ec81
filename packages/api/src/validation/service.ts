import { ipAddress, dns1035Label, dns1123Label, ianaServiceName, labelValue, portNumber, qualifiedName } from './names.js';
import type { KindValidator } from './kind-validator.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITY = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];

export const serviceValidator: KindValidator = {
  nameChecker: dns1035Label,
  validate(obj, errs) {
    const spec = obj.spec ?? {};
    const type = spec.type ?? 'ClusterIP';
    if (!TYPES.includes(type)) errs.notSupported('spec.type', type, TYPES);
    const ports: any[] = spec.ports ?? [];
    if (type === 'ExternalName') {
      if (!spec.externalName) errs.required('spec.externalName');
    } else if (ports.length === 0 && spec.clusterIP !== 'None') {
      errs.required('spec.ports');
    }
    const names = new Set<string>();
    const keys = new Set<string>();
    ports.forEach((p, i) => {
      const pp = `spec.ports[${i}]`;
      if (ports.length > 1 && !p.name) errs.required(`${pp}.name`);
      if (p.name) {
        errs.check(`${pp}.name`, p.name, dns1123Label);
        if (names.has(p.name)) errs.duplicate(`${pp}.name`, p.name);
        names.add(p.name);
      }
      if (p.port === undefined) errs.required(`${pp}.port`);
      else for (const m of portNumber(p.port)) errs.invalid(`${pp}.port`, p.port, m);
      if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS);
      if (typeof p.targetPort === 'number' && p.targetPort !== 0) for (const m of portNumber(p.targetPort)) errs.invalid(`${pp}.targetPort`, p.targetPort, m);
      if (typeof p.targetPort === 'string') errs.check(`${pp}.targetPort`, p.targetPort, ianaServiceName);
      if (p.nodePort !== undefined && p.nodePort !== 0) {
        if (type !== 'NodePort' && type !== 'LoadBalancer') errs.forbidden(`${pp}.nodePort`, 'may not be used when `type` is \'ClusterIP\'');
        else for (const m of portNumber(p.nodePort)) errs.invalid(`${pp}.nodePort`, p.nodePort, m);
      }
      const key = `${p.port}/${p.protocol ?? 'TCP'}`;
      if (keys.has(key)) errs.duplicate(pp, { port: p.port, protocol: p.protocol ?? 'TCP' });
      keys.add(key);
    });
    for (const [k, v] of Object.entries(spec.selector ?? {})) {
      errs.check('spec.selector', k, qualifiedName);
      errs.check('spec.selector', String(v), labelValue);
    }
    if (spec.sessionAffinity !== undefined && !AFFINITY.includes(spec.sessionAffinity)) errs.notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITY);
    if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None' && !ipAddress(spec.clusterIP)) {
      errs.invalid('spec.clusterIP', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    }
    if (spec.clusterIP === 'None' && (type === 'NodePort' || type === 'LoadBalancer')) {
      errs.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`);
    }
    for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy']) {
      if (spec[f] !== undefined && !TRAFFIC_POLICIES.includes(spec[f])) errs.notSupported(`spec.${f}`, spec[f], TRAFFIC_POLICIES);
    }
  },
  validateUpdate(next, prev, errs) {
    const pip = prev.spec?.clusterIP;
    const nip = next.spec?.clusterIP;
    // Changing to or from ExternalName releases or allocates an IP; anything else keeps it.
    if (prev.spec?.type !== 'ExternalName' && next.spec?.type !== 'ExternalName' && pip && nip !== pip) {
      errs.immutable('spec.clusterIPs[0]', nip ?? '');
    }
  },
};
