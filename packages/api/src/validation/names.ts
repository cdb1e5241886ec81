/**
 * Name and label formats, as Kubernetes defines them. Each check returns the problems it found (empty: valid),
 * phrased to follow "Invalid value: <value>: ".
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

function tooLong(max: number): string {
  return `must be no more than ${max} characters`;
}

/** RFC 1123 label: namespaces, container and port names, service names use the stricter 1035 form. */
export function dns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > DNS1123_LABEL_MAX) errs.push(tooLong(DNS1123_LABEL_MAX));
  if (!DNS1123_LABEL.test(v)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc')",
    );
  }
  return errs;
}

/** RFC 1123 subdomain: most object names. */
export function dns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > DNS1123_SUBDOMAIN_MAX) errs.push(tooLong(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN.test(v)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
    );
  }
  return errs;
}

/** RFC 1035 label: service names (they become DNS names that must not start with a digit). */
export function dns1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > DNS1123_LABEL_MAX) errs.push(tooLong(DNS1123_LABEL_MAX));
  if (!DNS1035_LABEL.test(v)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123')",
    );
  }
  return errs;
}

/** `[prefix/]name`: label and annotation keys. The prefix is a DNS subdomain, the name at most 63 characters. */
export function qualifiedName(v: string): string[] {
  const parts = v.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const e of dns1123Subdomain(prefix)) errs.push(`prefix part ${e}`);
  } else {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${tooLong(63)}`);
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')",
    );
  }
  return errs;
}

export function labelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(tooLong(63));
  if (!LABEL_VALUE.test(v)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345')",
    );
  }
  return errs;
}

/** Keys of ConfigMap and Secret data. */
export function configMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > DNS1123_SUBDOMAIN_MAX) errs.push(tooLong(DNS1123_SUBDOMAIN_MAX));
  if (!CONFIG_KEY.test(v)) errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
  if (v === '.' || v === '..' || v.startsWith('..')) errs.push("must not be '.' or '..' and must not start with '..'");
  return errs;
}

/** IANA service names: named ports (at most 15 characters, a letter somewhere, no double hyphen). */
export function ianaServiceName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(tooLong(15));
  if (!IANA_SVC_NAME.test(v)) errs.push("must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)");
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.startsWith('-') || v.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** C identifiers extended as Kubernetes allows in env var names: printable ASCII except '='. */
export function envVarName(v: string): string[] {
  if (v.length === 0) return ['must be non-empty'];
  if (/[=]/.test(v) || !/^[\x20-\x7e]+$/.test(v)) return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
  return [];
}

export function portNumber(n: unknown): string[] {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) return ['must be between 1 and 65535, inclusive'];
  return [];
}

export function ipv4(v: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255 && String(Number(x)) === x);
}

export function ipv6(v: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(v) || !v.includes(':')) return false;
  const parts = v.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap((p) => (p === '' ? [] : p.split(':')));
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g) && !ipv4(g))) return false;
  return parts.length === 2 ? groups.length < 8 : groups.length === 8;
}

export function ipAddress(v: string): boolean {
  return ipv4(v) || ipv6(v);
}
