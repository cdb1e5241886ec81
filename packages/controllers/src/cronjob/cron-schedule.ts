/**
 * Cron schedules as CronJobs take them: five fields (minute hour day-of-month month day-of-week), with `*`, `?`,
 * lists `1,15`, ranges `1-5`, steps `*\/15` and `10-50/20`, month and weekday names (JAN, MON), 7 as Sunday, and
 * the macros @yearly @annually @monthly @weekly @daily @midnight @hourly. A `TZ=Zone` or `CRON_TZ=Zone` prefix, or
 * the CronJob's spec.timeZone, evaluates the schedule on that zone's wall clock (IANA names, as Node's ICU knows
 * them); the default is UTC.
 *
 * Day matching follows cron: when both day-of-month and day-of-week are restricted, a day matching either runs
 * ("0 0 1 * MON" runs on the 1st and on Mondays).
 *
 * Daylight saving: a wall-clock time skipped by a spring-forward change does not run that day; a time repeated by
 * a fall-back change runs once, at its first occurrence.
 */
import { ControllerError } from '../errors.js';

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  min: number;
  max: number;
  names?: string[];
  /** Index of the first name (1 for months). */
  nameBase?: number;
}

const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function bad(spec: string, why: string): never {
  throw new ControllerError('InvalidSpec', `unparseable schedule "${spec}": ${why}`);
}

function parseValue(s: string, f: Field, spec: string): number {
  const upper = s.toUpperCase();
  const named = f.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (f.nameBase ?? 0);
  if (!/^\d+$/.test(s)) bad(spec, `"${s}" is not a number`);
  const n = Number(s);
  if (n < f.min || n > f.max) bad(spec, `${n} is outside ${f.min}-${f.max}`);
  return n;
}

/** The values one field allows, and whether it was unrestricted (`*` or `?`). */
function parseField(text: string, f: Field, spec: string): { allowed: Set<number>; star: boolean } {
  const allowed = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    if (range === undefined || range === '') bad(spec, `empty field part in "${text}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) bad(spec, `bad step "${stepText}"`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = f.min;
      hi = f.max === 7 ? 6 : f.max;
      if (stepText === undefined) star = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = parseValue(a!, f, spec);
      hi = parseValue(b!, f, spec);
      if (lo > hi) bad(spec, `range ${range} runs backwards`);
    } else {
      lo = parseValue(range, f, spec);
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) allowed.add(f.max === 7 && v === 7 ? 0 : v);
  }
  return { allowed, star };
}

interface WallTime {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallTime(ms: number, zone: string): WallTime {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(zone, f);
  }
  const w: WallTime = { minute: 0, hour: 0, day: 1, month: 1, weekday: 0 };
  for (const p of f.formatToParts(ms)) {
    if (p.type === 'minute') w.minute = Number(p.value);
    else if (p.type === 'hour') w.hour = Number(p.value);
    else if (p.type === 'day') w.day = Number(p.value);
    else if (p.type === 'month') w.month = Number(p.value);
    else if (p.type === 'weekday') w.weekday = DAYS.indexOf(p.value.toUpperCase());
  }
  return w;
}

export class CronSchedule {
  private readonly fields: { allowed: Set<number>; star: boolean }[];

  constructor(
    readonly spec: string,
    readonly timeZone: string,
  ) {
    let text = spec.trim();
    let zone = timeZone;
    const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(text);
    if (tz) {
      zone = tz[1]!;
      text = tz[2]!.trim();
    }
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      bad(spec, `unknown time zone "${zone}"`);
    }
    this.timeZone = zone;
    text = MACROS[text.toLowerCase()] ?? text;
    const parts = text.split(/\s+/);
    if (parts.length !== 5) bad(spec, `expected 5 fields, found ${parts.length}`);
    this.fields = parts.map((p, i) => parseField(p, FIELDS[i]!, spec));
  }

  private dayMatches(w: WallTime): boolean {
    const dom = this.fields[2]!;
    const dow = this.fields[4]!;
    const domOk = dom.allowed.has(w.day);
    const dowOk = dow.allowed.has(w.weekday);
    if (dom.star || dow.star) return domOk && dowOk;
    return domOk || dowOk;
  }

  /** The first activation strictly after `afterMs` (ms since the epoch), or undefined if none within ~5 years. */
  next(afterMs: number): number | undefined {
    let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
    const limit = afterMs + 5 * 366 * 86_400_000;
    while (t <= limit) {
      const w = wallTime(t, this.timeZone);
      if (!this.fields[3]!.allowed.has(w.month) || !this.dayMatches(w)) {
        // Skip toward the next wall-clock midnight; an hour short when far, so a lost DST hour cannot overshoot it.
        const toMidnight = ((23 - w.hour) * 60 + (60 - w.minute)) * 60_000;
        t += toMidnight > 2 * 3_600_000 ? toMidnight - 3_600_000 : toMidnight;
        continue;
      }
      if (!this.fields[1]!.allowed.has(w.hour)) {
        t += (60 - w.minute) * 60_000;
        continue;
      }
      if (!this.fields[0]!.allowed.has(w.minute)) {
        t += 60_000;
        continue;
      }
      // The repeated hour of a fall-back change shows the same wall time twice: run at the first only.
      if (this.timeZone !== 'UTC') {
        const before = wallTime(t - 3_600_000, this.timeZone);
        if (before.day === w.day && before.hour === w.hour && before.minute === w.minute) {
          t += 60_000;
          continue;
        }
      }
      return t;
    }
    return undefined;
  }
}
