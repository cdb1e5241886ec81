import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-duration.js';

describe('human durations', () => {
  it.each([
    [-5_000, '<invalid>'],
    [0, '0s'],
    [45_000, '45s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [300_000, '5m'],
    [90 * 60_000, '90m'],
    [(3 * 60 + 30) * 60_000, '3h30m'],
    [10 * 3_600_000, '10h'],
    [53 * 3_600_000, '2d5h'],
    [400 * 86_400_000, '400d'],
    [(2 * 365 + 10) * 86_400_000, '2y10d'],
  ])('shows %i ms as %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
