import { describe, expect, it } from 'vitest';
import { contains, formatCidr, hostAt, overlaps, parseCidr, parseIp, subnetAt } from './cidr.js';

describe('parseCidr', () => {
  it('reads a network and prints it back the same', () => {
    expect(formatCidr(parseCidr('10.244.0.0/16'))).toBe('10.244.0.0/16');
    expect(formatCidr(parseCidr('0.0.0.0/0'))).toBe('0.0.0.0/0');
  });

  it.each([
    ['10.244.0.0', /is not an IPv4 CIDR/],
    ['10.244.0.0/33', /at most 32/],
    ['10.256.0.0/16', /is not an IPv4 address/],
    ['10.244.1.0/16', /host bits set; did you mean 10.244.0.0\/16\?/],
  ])('refuses %s with a message saying why', (text, why) => {
    expect(() => parseCidr(text)).toThrow(why);
  });
});

describe('addresses inside networks', () => {
  it('numbers hosts from the network address', () => {
    expect(hostAt(parseCidr('10.240.0.0/24'), 1)).toBe('10.240.0.1');
    expect(hostAt(parseCidr('10.240.0.0/24'), 11)).toBe('10.240.0.11');
    expect(() => hostAt(parseCidr('10.240.0.0/30'), 4)).toThrow(/has no address number 4/);
  });

  it('cuts a network into numbered subnets', () => {
    expect(formatCidr(subnetAt(parseCidr('10.244.0.0/16'), 24, 3))).toBe('10.244.3.0/24');
    expect(formatCidr(subnetAt(parseCidr('10.244.0.0/16'), 17, 1))).toBe('10.244.128.0/17');
    expect(() => subnetAt(parseCidr('10.244.0.0/23'), 24, 2)).toThrow(/only 2 subnets/);
  });

  it('tells containment and overlap apart', () => {
    const big = parseCidr('10.96.0.0/12');
    expect(contains(big, parseCidr('10.100.0.0/16'))).toBe(true);
    expect(contains(parseCidr('10.100.0.0/16'), big)).toBe(false);
    expect(overlaps(parseCidr('10.100.0.0/16'), big)).toBe(true);
    expect(overlaps(parseCidr('10.244.0.0/16'), big)).toBe(false);
  });

  it('treats addresses above 127.x as unsigned', () => {
    expect(parseIp('192.168.1.1')).toBe(3232235777);
    expect(hostAt(parseCidr('192.168.0.0/16'), 257)).toBe('192.168.1.1');
  });
});
