// The DNS wire format (RFC 1035, SRV from RFC 2782, EDNS0's payload size from RFC 6891), as far as a cluster
// DNS server needs it: reading a query's header and single question, and writing a response to it.
import net from 'node:net';

export const QTYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const CLASS_IN = 1;
const HEADER = 12;
/** What a client without EDNS0 accepts over UDP. */
export const CLASSIC_UDP_SIZE = 512;

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;

export class DnsFormatError extends Error {
  constructor(
    message: string,
    /** The query's id when the header could be read, so the error can still be answered (FORMERR). */
    readonly id?: number,
  ) {
    super(message);
    this.name = 'DnsFormatError';
  }
}

export interface DnsQuery {
  id: number;
  /** OPCODE (0: a standard query). */
  opcode: number;
  recursionDesired: boolean;
  /** The name as asked, without the final dot; its case is kept (clients may randomize it, RFC 5452). */
  name: string;
  type: number;
  qclass: number;
  /** The largest UDP response the client takes: its EDNS0 payload size, or 512. */
  udpSize: number;
  /** The question section's bytes, echoed in the response so the answers can point at its name. */
  questionBytes: Buffer;
}

export type DnsRecord =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; address: string }
  | { type: 'CNAME' | 'PTR'; name: string; ttl: number; target: string }
  | { type: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  | { type: 'SOA'; name: string; ttl: number; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };

export interface DnsAnswer {
  rcode: number;
  /** Set for names in the zone the server is the authority for. */
  authoritative: boolean;
  answers: DnsRecord[];
  authority?: DnsRecord[];
  additional?: DnsRecord[];
}

/** Reads a (possibly compressed) name at `at`; returns it and where the bytes after it start. */
function readName(msg: Buffer, at: number, id: number): { name: string; end: number } {
  const labels: string[] = [];
  let end = -1;
  let jumps = 0;
  for (;;) {
    if (at >= msg.length) throw new DnsFormatError('a name runs past the end of the message', id);
    const len = msg[at]!;
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= msg.length) throw new DnsFormatError('a compression pointer is cut off', id);
      if (++jumps > 16) throw new DnsFormatError('compression pointers loop', id);
      if (end < 0) end = at + 2;
      at = ((len & 0x3f) << 8) | msg[at + 1]!;
      continue;
    }
    if (len & 0xc0) throw new DnsFormatError(`unknown label type 0x${len.toString(16)}`, id);
    if (len === 0) {
      if (end < 0) end = at + 1;
      break;
    }
    if (at + 1 + len > msg.length) throw new DnsFormatError('a label runs past the end of the message', id);
    labels.push(msg.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  const name = labels.join('.');
  if (name.length > 253) throw new DnsFormatError('a name is longer than 253 characters', id);
  return { name, end };
}

/** Skips a resource record (in the additional section); returns where the next starts. */
function skipRecord(msg: Buffer, at: number, id: number): { type: number; rclass: number; end: number } {
  const { end } = readName(msg, at, id);
  if (end + 10 > msg.length) throw new DnsFormatError('a record is cut off', id);
  const type = msg.readUInt16BE(end);
  const rclass = msg.readUInt16BE(end + 2);
  const rdlen = msg.readUInt16BE(end + 8);
  if (end + 10 + rdlen > msg.length) throw new DnsFormatError('record data runs past the end of the message', id);
  return { type, rclass, end: end + 10 + rdlen };
}

/** Reads a query: its header, its one question and, if present, its EDNS0 payload size. */
export function parseQuery(msg: Buffer): DnsQuery {
  if (msg.length < HEADER) throw new DnsFormatError(`a DNS message has a 12-byte header; got ${msg.length} bytes`);
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  if (flags & FLAG_QR) throw new DnsFormatError('the message is a response, not a query', id);
  const qdcount = msg.readUInt16BE(4);
  const ancount = msg.readUInt16BE(6);
  const nscount = msg.readUInt16BE(8);
  const arcount = msg.readUInt16BE(10);
  if (qdcount !== 1) throw new DnsFormatError(`a query asks one question; this one asks ${qdcount}`, id);
  const q = readName(msg, HEADER, id);
  if (q.end + 4 > msg.length) throw new DnsFormatError('the question is cut off', id);
  const type = msg.readUInt16BE(q.end);
  const qclass = msg.readUInt16BE(q.end + 2);
  const questionEnd = q.end + 4;
  let udpSize = CLASSIC_UDP_SIZE;
  let at = questionEnd;
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    const r = skipRecord(msg, at, id);
    // OPT's class field carries the payload size; below 512 it means 512 (RFC 6891 6.2.5).
    if (r.type === QTYPE.OPT && i >= ancount + nscount) udpSize = Math.max(CLASSIC_UDP_SIZE, Math.min(r.rclass, 65535));
    at = r.end;
  }
  return {
    id,
    opcode: (flags >> 11) & 0xf,
    recursionDesired: (flags & FLAG_RD) !== 0,
    name: q.name,
    type,
    qclass,
    udpSize,
    questionBytes: msg.subarray(HEADER, questionEnd),
  };
}

function encodeName(name: string): Buffer {
  const labels = name.split('.').filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'latin1');
    if (b.length > 63) throw new DnsFormatError(`the label "${l}" is longer than 63 bytes`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function rdataOf(r: DnsRecord): Buffer {
  switch (r.type) {
    case 'A':
      if (!net.isIPv4(r.address)) throw new DnsFormatError(`an A record needs an IPv4 address; got "${r.address}"`);
      return ipv4Bytes(r.address);
    case 'AAAA':
      if (!net.isIPv6(r.address)) throw new DnsFormatError(`an AAAA record needs an IPv6 address; got "${r.address}"`);
      return ipv6Bytes(r.address);
    case 'CNAME':
    case 'PTR':
      return encodeName(r.target);
    case 'SRV': {
      const head = Buffer.alloc(6);
      head.writeUInt16BE(r.priority, 0);
      head.writeUInt16BE(r.weight, 2);
      head.writeUInt16BE(r.port, 4);
      return Buffer.concat([head, encodeName(r.target)]);
    }
    case 'SOA': {
      const nums = Buffer.alloc(20);
      [r.serial, r.refresh, r.retry, r.expire, r.minimum].forEach((n, i) => nums.writeUInt32BE(n >>> 0, i * 4));
      return Buffer.concat([encodeName(r.mname), encodeName(r.rname), nums]);
    }
  }
}

function encodeRecord(r: DnsRecord, questionName: string): Buffer {
  // A record for the name asked points at the question (offset 12), which keeps the client's spelling.
  const name = r.name.toLowerCase() === questionName.toLowerCase() ? Buffer.from([0xc0, HEADER]) : encodeName(r.name);
  const rdata = rdataOf(r);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(QTYPE[r.type], 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(Math.max(0, Math.floor(r.ttl)), 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([name, fixed, rdata]);
}

function header(id: number, flags: number, counts: [number, number, number, number]): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  counts.forEach((n, i) => h.writeUInt16BE(n, 4 + i * 2));
  return h;
}

function flagsFor(q: Pick<DnsQuery, 'opcode' | 'recursionDesired'>, rcode: number, authoritative: boolean, truncated: boolean): number {
  return FLAG_QR | ((q.opcode & 0xf) << 11) | (authoritative ? FLAG_AA : 0) | (truncated ? FLAG_TC : 0) | (q.recursionDesired ? FLAG_RD : 0) | FLAG_RA | (rcode & 0xf);
}

/**
 * The response to `q`. Over UDP (`maxSize` = the client's payload size) a response that does not fit is sent
 * without records and with TC set, so the client asks again over TCP.
 */
export function encodeResponse(q: DnsQuery, a: DnsAnswer, maxSize = 65535): Buffer {
  const sections = [a.answers, a.authority ?? [], a.additional ?? []].map((rs) => rs.map((r) => encodeRecord(r, q.name)));
  const size = HEADER + q.questionBytes.length + sections.flat().reduce((n, b) => n + b.length, 0);
  if (size > maxSize) {
    return Buffer.concat([header(q.id, flagsFor(q, a.rcode, a.authoritative, true), [1, 0, 0, 0]), q.questionBytes]);
  }
  const h = header(q.id, flagsFor(q, a.rcode, a.authoritative, false), [1, sections[0]!.length, sections[1]!.length, sections[2]!.length]);
  return Buffer.concat([h, q.questionBytes, ...sections.flat()]);
}

/** A response carrying only an rcode, for a query that could not be read past its header (FORMERR). */
export function encodeBareError(id: number, rcode: number): Buffer {
  return header(id, FLAG_QR | FLAG_RA | (rcode & 0xf), [0, 0, 0, 0]);
}
