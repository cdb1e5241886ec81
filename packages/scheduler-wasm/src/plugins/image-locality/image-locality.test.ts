import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { ScoreIndex } from '../../core/codes.js';

const MB = 1024 * 1024;

describe.each(ENGINES)('ImageLocality (%s)', (engine) => {
  const profile = scoreOnlyProfile(ScoreIndex.ImageLocality);
  it('scales the image size by its spread and maps 23MB-1000MB per container onto 0-100', () => {
    const nodes = [makeNode('has').image(['registry.io/app:1'], 500 * MB).obj(), makeNode('lacks').obj()];
    // 500MB on 1 of 2 nodes -> 250MB -> 100 * (250 - 23) / (1000 - 23) = 23.
    expect(evaluate(engine, profile, nodes, [], makePod('p').image('registry.io/app:1').obj()).scores).toEqual({ has: 23, lacks: 0 });
  });

  it('reads an untagged image as :latest', () => {
    const nodes = [makeNode('has').image(['nginx:latest'], 2000 * MB).obj(), makeNode('also').image(['nginx:latest'], 2000 * MB).obj()];
    expect(evaluate(engine, profile, nodes, [], makePod('p').image('nginx').obj()).scores).toEqual({ has: 100, also: 100 });
  });
});
