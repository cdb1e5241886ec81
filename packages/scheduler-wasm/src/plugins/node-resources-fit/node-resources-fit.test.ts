import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, FIT_UNRESOLVABLE_BIT, Reason, ScoreIndex, Strategy } from '../../core/codes.js';

const CPU = 1 << 0;
const MEM = 1 << 1;
const PODS = 1 << 3;

describe.each(ENGINES)('NodeResourcesFit (%s)', (engine) => {
  const node = () => makeNode('n').capacity({ cpu: '2', memory: '4Gi', pods: '3', 'example.com/gpu': '1' });
  const used = makePod('used').node('n').req({ cpu: '1500m', memory: '1Gi' }).obj();
  it.each<{ name: string; req: Record<string, string>; reason: number; detail: number }>([
    { name: 'a pod within what is left fits', req: { cpu: '500m', memory: '1Gi' }, reason: Reason.Pass, detail: 0 },
    { name: 'too much cpu is "Insufficient cpu"', req: { cpu: '600m' }, reason: Reason.Fit, detail: CPU },
    { name: 'cpu and memory both short are two reasons', req: { cpu: '1', memory: '4Gi' }, reason: Reason.Fit, detail: CPU | MEM },
    { name: 'more than the whole node is unresolvable', req: { cpu: '3' }, reason: Reason.Fit, detail: CPU | FIT_UNRESOLVABLE_BIT },
    { name: 'a zero request never counts as short', req: { cpu: '0', memory: '1Gi' }, reason: Reason.Pass, detail: 0 },
    // Columns: cpu, memory, ephemeral-storage, pods, then example.com/gpu (from the node) and example.com/fpga.
    { name: 'an extended resource the node lacks is short, and unresolvable', req: { 'example.com/fpga': '1' }, reason: Reason.Fit, detail: (1 << 5) | FIT_UNRESOLVABLE_BIT },
    { name: 'an extended resource within allocatable fits', req: { 'example.com/gpu': '1' }, reason: Reason.Pass, detail: 0 },
    { name: 'a resource name the scheduler does not account is ignored', req: { storage: '10Ti' }, reason: Reason.Pass, detail: 0 },
  ])('$name', ({ req, reason, detail }) => {
    const r = evaluate(engine, filterOnlyProfile(FilterBit.NodeResourcesFit), [node().obj(), makeNode('other').obj()], [used], makePod('p').req(req).obj());
    expect(r.reasons.n).toBe(reason);
    expect(r.details.n).toBe(detail);
  });

  it('reports "Too many pods" once the node is full', () => {
    const full = [0, 1, 2].map((i) => makePod(`f${i}`).node('n').obj());
    const r = evaluate(engine, filterOnlyProfile(FilterBit.NodeResourcesFit), [node().obj(), makeNode('other').obj()], full, makePod('p').obj());
    expect(r.details.n).toBe(PODS);
  });

  it('ignores extended resources named in ignoredResources', () => {
    const profile = { ...filterOnlyProfile(FilterBit.NodeResourcesFit), ignoredResources: ['example.com/fpga'] };
    const r = evaluate(engine, profile, [node().obj(), makeNode('other').obj()], [], makePod('p').req({ 'example.com/fpga': '1' }).obj());
    expect(r.reasons.n).toBe(Reason.Pass);
  });

  const big = () => makeNode('big').capacity({ cpu: '4', memory: '32Gi' }).obj();
  const small = () => makeNode('small').capacity({ cpu: '2', memory: '16Gi' }).obj();
  const pod = () => makePod('p').req({ cpu: '1', memory: '8Gi' }).obj();

  it('LeastAllocated scores the share left free: 75 on the big node, 50 on the small one', () => {
    expect(evaluate(engine, scoreOnlyProfile(ScoreIndex.NodeResourcesFit), [big(), small()], [], pod()).scores).toEqual({ big: 75, small: 50 });
  });

  it('MostAllocated scores the share in use: 25 and 50', () => {
    const profile = scoreOnlyProfile(ScoreIndex.NodeResourcesFit, { fitStrategy: Strategy.MostAllocated });
    expect(evaluate(engine, profile, [big(), small()], [], pod()).scores).toEqual({ big: 25, small: 50 });
  });

  it('RequestedToCapacityRatio interpolates the shape and rounds the weighted mean', () => {
    const profile = scoreOnlyProfile(ScoreIndex.NodeResourcesFit, {
      fitStrategy: Strategy.RequestedToCapacityRatio,
      shape: [
        { utilization: 0, score: 0 },
        { utilization: 100, score: 10 },
      ],
      fitResources: [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 2 },
      ],
    });
    // big: cpu 25 -> 25, memory 25 -> 25; small: cpu 50, memory 50.
    expect(evaluate(engine, profile, [big(), small()], [], pod()).scores).toEqual({ big: 25, small: 50 });
  });

  it('uses 100m cpu and 200Mi memory for containers without requests when scoring', () => {
    const n1 = makeNode('a').capacity({ cpu: '1', memory: '1000Mi' }).obj();
    const n2 = makeNode('b').capacity({ cpu: '2', memory: '2000Mi' }).obj();
    // a: cpu (1000-100)/1000 -> 90, memory (1000-200)/1000 -> 80 -> 85; b: 95 and 90 -> 92.
    expect(evaluate(engine, scoreOnlyProfile(ScoreIndex.NodeResourcesFit), [n1, n2], [], makePod('p').obj()).scores).toEqual({ a: 85, b: 92 });
  });
});
