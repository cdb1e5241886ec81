import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason } from '../../core/codes.js';

describe.each(ENGINES)('NodePorts (%s)', (engine) => {
  const profile = filterOnlyProfile(FilterBit.NodePorts);
  it.each([
    { name: 'a free port fits', used: { port: 80 }, wanted: { port: 8080 }, want: Reason.Pass },
    { name: 'the same port and protocol on 0.0.0.0 conflicts', used: { port: 80 }, wanted: { port: 80 }, want: Reason.NodePorts },
    { name: 'another protocol does not conflict', used: { port: 53, protocol: 'UDP' }, wanted: { port: 53 }, want: Reason.Pass },
    { name: 'two different specific IPs do not conflict', used: { port: 80, ip: '10.0.0.1' }, wanted: { port: 80, ip: '10.0.0.2' }, want: Reason.Pass },
    { name: 'a specific IP conflicts with the wildcard in use', used: { port: 80 }, wanted: { port: 80, ip: '10.0.0.2' }, want: Reason.NodePorts },
    { name: 'the wildcard conflicts with a specific IP in use', used: { port: 80, ip: '10.0.0.1' }, wanted: { port: 80 }, want: Reason.NodePorts },
    { name: 'the same specific IP conflicts', used: { port: 80, ip: '10.0.0.1' }, wanted: { port: 80, ip: '10.0.0.1' }, want: Reason.NodePorts },
  ])('$name', ({ used, wanted, want }) => {
    const existing = makePod('e').node('n1').hostPort(used.port, used.protocol, used.ip).obj();
    const pod = makePod('p').hostPort(wanted.port, 'TCP', wanted.ip).obj();
    const { reasons } = evaluate(engine, profile, [makeNode('n1').obj(), makeNode('n2').obj()], [existing], pod);
    expect(reasons).toEqual({ n1: want, n2: Reason.Pass });
  });
});
