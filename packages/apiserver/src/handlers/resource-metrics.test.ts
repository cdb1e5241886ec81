import { describe, expect, it } from 'vitest';
import { goDurationText } from './resource-metrics.js';

describe('goDurationText', () => {
  it('writes a window as metav1.Duration does', () => {
    expect(goDurationText(0)).toBe('0s');
    expect(goDurationText(0.5)).toBe('500ms');
    expect(goDurationText(1)).toBe('1s');
    expect(goDurationText(10.0134)).toBe('10.013s');
    expect(goDurationText(60)).toBe('1m0s');
    expect(goDurationText(90.25)).toBe('1m30.25s');
    expect(goDurationText(3725)).toBe('1h2m5s');
  });
});
