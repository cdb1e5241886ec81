import { createHash } from 'node:crypto';
import type { LongBits, WireHeader } from './wire.js';

/**
 * The response header every reply carries ({cluster_id, member_id, revision, raft_term}) and the identity behind it.
 *
 * Who this server says it is, in etcd's terms. skiff-store is a one-member cluster without raft:
 *  - member id: the first 8 bytes of SHA-1 over the name and advertised client URLs (etcd hashes its peer URLs and
 *    cluster token the same way), so a restarted server with the same flags keeps its id;
 *  - cluster id: the first 8 bytes of SHA-1 over the member id, as etcd derives it from its members' ids;
 *  - raft term: 1, always: a single member that never holds an election has one term.
 * Ids are uint64 decimal strings, exactly as they go on the wire.
 */
export interface MemberIdentity {
  name: string;
  memberId: string;
  clusterId: string;
  /** The ids as they are encoded in every header (parsing a decimal string per response is measurable). */
  wire: { clusterId: LongBits; memberId: LongBits };
  raftTerm: number;
  clientUrls: string[];
  peerUrls: string[];
}

function uint64Of(...parts: string[]): string {
  const digest = createHash('sha1').update(parts.join('\n')).digest();
  const id = digest.readBigUInt64BE(0);
  // 0 means "unset" on the wire; a digest of zero is one in 2^64, but be exact.
  return (id === 0n ? 1n : id).toString();
}

function longBits(id: string): LongBits {
  const v = BigInt(id);
  return { low: Number(v & 0xffffffffn) | 0, high: Number(v >> 32n) | 0, unsigned: true };
}

export function memberIdentity(name: string, clientUrls: string[], peerUrls: string[] = []): MemberIdentity {
  const memberId = uint64Of('skiff-store', name, ...[...clientUrls].sort());
  const clusterId = uint64Of('cluster', memberId);
  return {
    name,
    memberId,
    clusterId,
    wire: { clusterId: longBits(clusterId), memberId: longBits(memberId) },
    raftTerm: 1,
    clientUrls,
    peerUrls,
  };
}

/** Hex form, as etcdctl prints member ids. */
export function hexId(id: string): string {
  return BigInt(id).toString(16);
}

/** The response header for a revision. */
export function headerOf(identity: MemberIdentity, revision: number): WireHeader {
  return { cluster_id: identity.wire.clusterId, member_id: identity.wire.memberId, revision, raft_term: identity.raftTerm };
}
