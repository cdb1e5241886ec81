import { describe, expect, it } from 'vitest';
import { CronSchedule } from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('CronSchedule', () => {
  it.each([
    { spec: '*/15 * * * *', zone: 'UTC', after: '2024-03-01T10:07:30Z', next: '2024-03-01T10:15:00.000Z' },
    { spec: '0 9 * * MON-FRI', zone: 'UTC', after: '2024-03-01T09:00:00Z', next: '2024-03-04T09:00:00.000Z' },
    { spec: '30 2 1 * *', zone: 'UTC', after: '2024-01-15T00:00:00Z', next: '2024-02-01T02:30:00.000Z' },
    { spec: '0 0 29 2 *', zone: 'UTC', after: '2024-03-01T00:00:00Z', next: '2028-02-29T00:00:00.000Z' },
    { spec: '@hourly', zone: 'UTC', after: '2024-03-01T10:00:00Z', next: '2024-03-01T11:00:00.000Z' },
    { spec: '@weekly', zone: 'UTC', after: '2024-03-01T00:00:00Z', next: '2024-03-03T00:00:00.000Z' },
    { spec: '0 0 1 * 1', zone: 'UTC', after: '2024-04-01T00:00:00Z', next: '2024-04-08T00:00:00.000Z' },
    { spec: '0 12 * * 7', zone: 'UTC', after: '2024-03-01T00:00:00Z', next: '2024-03-03T12:00:00.000Z' },
    { spec: '10-50/20 * * * *', zone: 'UTC', after: '2024-03-01T10:31:00Z', next: '2024-03-01T10:50:00.000Z' },
    { spec: '0 9 * * *', zone: 'Asia/Tokyo', after: '2024-03-01T00:00:00Z', next: '2024-03-02T00:00:00.000Z' },
    { spec: 'TZ=America/New_York 0 9 * * *', zone: 'UTC', after: '2024-07-01T00:00:00Z', next: '2024-07-01T13:00:00.000Z' },
    // Spring forward in New York: 2:30 does not exist on 2024-03-10, so the next run is the day after.
    { spec: '30 2 * * *', zone: 'America/New_York', after: '2024-03-09T08:00:00Z', next: '2024-03-11T06:30:00.000Z' },
    // Fall back: 1:30 happens twice on 2024-11-03; it runs at the first (EDT, 05:30Z), then the next day.
    { spec: '30 1 * * *', zone: 'America/New_York', after: '2024-11-03T00:00:00Z', next: '2024-11-03T05:30:00.000Z' },
    { spec: '30 1 * * *', zone: 'America/New_York', after: '2024-11-03T05:30:00Z', next: '2024-11-04T06:30:00.000Z' },
  ])('"$spec" in $zone after $after runs at $next', ({ spec, zone, after, next }) => {
    expect(iso(new CronSchedule(spec, zone).next(at(after)))).toBe(next);
  });

  it.each([
    ['* * * *', /expected 5 fields/],
    ['61 * * * *', /outside 0-59/],
    ['* * * FOO *', /not a number/],
    ['5-1 * * * *', /runs backwards/],
    ['*/0 * * * *', /bad step/],
    ['TZ=Mars/Olympus 0 0 * * *', /unknown time zone/],
  ])('refuses "%s"', (spec, message) => {
    expect(() => new CronSchedule(spec, 'UTC')).toThrow(message);
  });
});
