import { describe, expect, it } from 'vitest';
import { clusterDnsAddress } from './cluster-dns.js';

describe('the cluster DNS address', () => {
  it('is the tenth address of the service range, as kubeadm picks it', () => {
    expect(clusterDnsAddress('10.96.0.0/12')).toBe('10.96.0.10');
    expect(clusterDnsAddress('10.100.0.0/16')).toBe('10.100.0.10');
    // the range's own base, not the address written
    expect(clusterDnsAddress('172.20.5.7/24')).toBe('172.20.5.10');
  });

  it('says why a range has none', () => {
    expect(() => clusterDnsAddress('fd00::/108')).toThrow('is not an IPv4 CIDR of /28 or wider');
    expect(() => clusterDnsAddress('10.96.0.0/30')).toThrow('is not an IPv4 CIDR of /28 or wider');
  });
});
