/** apps/v1 and batch/v1: selectors that must match their templates, counts, strategies, schedules. */
import { jsonEqual } from '../object.js';
import { labelSelectorFromObject, validateLabelSelectorObject } from '../selectors/label-selector.js';
import type { FieldErrors } from './field-errors.js';
import type { KindValidator } from './kind-validator.js';
import { validateLabels } from './object-meta.js';
import { dns1123Subdomain } from './names.js';
import { validatePodSpec } from './pod-spec.js';

function nonNegative(v: unknown, field: string, errs: FieldErrors): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v)) errs.invalid(field, v, 'must be an integer');
  else if (v < 0) errs.invalid(field, v, 'must be greater than or equal to 0');
}

/** `25%` or an integer; percentages over 100% are invalid. */
function intOrPercent(v: unknown, field: string, errs: FieldErrors): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    nonNegative(v, field, errs);
    return v;
  }
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  if (!m) {
    errs.invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')");
    return undefined;
  }
  if (Number(m[1]) > 100) errs.invalid(field, v, 'must not be greater than 100%');
  return Number(m[1]);
}

/** selector required, valid, non-empty, and it must select the template's labels. */
function validateSelectorAndTemplate(spec: any, errs: FieldErrors, restartPolicies: string[]): void {
  if (!spec) {
    errs.required('spec');
    return;
  }
  if (!spec.selector) errs.required('spec.selector');
  else {
    const problems = validateLabelSelectorObject(spec.selector, 'spec.selector');
    for (const p of problems) errs.invalid(p.field, p.value ?? '', p.message);
    const empty = Object.keys(spec.selector.matchLabels ?? {}).length === 0 && (spec.selector.matchExpressions ?? []).length === 0;
    if (empty) errs.invalid('spec.selector', spec.selector, 'empty selector is invalid for deployment');
    else if (problems.length === 0) {
      const sel = labelSelectorFromObject(spec.selector);
      if (!sel.matches(spec.template?.metadata?.labels ?? {})) {
        errs.invalid('spec.template.metadata.labels', spec.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`');
      }
    }
  }
  validateTemplate(spec.template, errs, restartPolicies);
}

function validateTemplate(template: any, errs: FieldErrors, restartPolicies: string[]): void {
  if (!template) {
    errs.required('spec.template');
    return;
  }
  validateLabels(template.metadata?.labels, 'spec.template.metadata.labels', errs);
  validatePodSpec(template.spec, 'spec.template.spec', errs, true);
  const rp = template.spec?.restartPolicy;
  if (rp !== undefined && !restartPolicies.includes(rp)) errs.notSupported('spec.template.spec.restartPolicy', rp, restartPolicies);
  if (template.spec?.activeDeadlineSeconds !== undefined && restartPolicies.includes('Always')) {
    errs.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported');
  }
}

function selectorImmutable(next: any, prev: any, errs: FieldErrors): void {
  if (!jsonEqual(next.spec?.selector, prev.spec?.selector)) errs.immutable('spec.selector', next.spec?.selector ?? null);
}

export const deploymentValidator: KindValidator = {
  validate(obj, errs) {
    const spec = obj.spec;
    validateSelectorAndTemplate(spec, errs, ['Always']);
    if (!spec) return;
    nonNegative(spec.replicas, 'spec.replicas', errs);
    nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errs);
    nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errs);
    const strategy = spec.strategy ?? {};
    if (strategy.type !== undefined && !['Recreate', 'RollingUpdate'].includes(strategy.type)) {
      errs.notSupported('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']);
    }
    if (strategy.type === 'Recreate' && strategy.rollingUpdate) {
      errs.forbidden('spec.strategy.rollingUpdate', 'may not be specified when strategy `type` is \'Recreate\'');
    }
    const ru = strategy.rollingUpdate;
    if (ru) {
      const surge = intOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', errs);
      const unavailable = intOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', errs);
      if (surge === 0 && unavailable === 0) {
        errs.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
      }
    }
    if (spec.progressDeadlineSeconds !== undefined && spec.minReadySeconds !== undefined && spec.progressDeadlineSeconds <= spec.minReadySeconds) {
      errs.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds');
    }
  },
  validateUpdate(next, prev, errs) {
    selectorImmutable(next, prev, errs);
  },
};

export const replicaSetValidator: KindValidator = {
  validate(obj, errs) {
    validateSelectorAndTemplate(obj.spec, errs, ['Always']);
    nonNegative(obj.spec?.replicas, 'spec.replicas', errs);
    nonNegative(obj.spec?.minReadySeconds, 'spec.minReadySeconds', errs);
  },
  validateUpdate(next, prev, errs) {
    selectorImmutable(next, prev, errs);
  },
};

export const daemonSetValidator: KindValidator = {
  validate(obj, errs) {
    validateSelectorAndTemplate(obj.spec, errs, ['Always']);
    const us = obj.spec?.updateStrategy;
    if (us?.type !== undefined && !['OnDelete', 'RollingUpdate'].includes(us.type)) errs.notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']);
    if (us?.rollingUpdate) {
      intOrPercent(us.rollingUpdate.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', errs);
      intOrPercent(us.rollingUpdate.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', errs);
    }
  },
  validateUpdate(next, prev, errs) {
    selectorImmutable(next, prev, errs);
  },
};

export const statefulSetValidator: KindValidator = {
  validate(obj, errs) {
    validateSelectorAndTemplate(obj.spec, errs, ['Always']);
    if (!obj.spec) return;
    nonNegative(obj.spec.replicas, 'spec.replicas', errs);
    if (obj.spec.serviceName) errs.check('spec.serviceName', obj.spec.serviceName, dns1123Subdomain);
    const pmp = obj.spec.podManagementPolicy;
    if (pmp !== undefined && !['OrderedReady', 'Parallel'].includes(pmp)) errs.notSupported('spec.podManagementPolicy', pmp, ['OrderedReady', 'Parallel']);
    const us = obj.spec.updateStrategy;
    if (us?.type !== undefined && !['OnDelete', 'RollingUpdate'].includes(us.type)) errs.notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']);
  },
  validateUpdate(next, prev, errs) {
    selectorImmutable(next, prev, errs);
    // Only replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
    const fixed = (s: any) => {
      // Shallow: only top-level keys are dropped, and jsonEqual only reads.
      const c = { ...(s ?? {}) };
      for (const k of ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']) delete c[k];
      return c;
    };
    if (!jsonEqual(fixed(next.spec), fixed(prev.spec))) {
      errs.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      );
    }
  },
};

export const jobValidator: KindValidator = {
  validate(obj, errs) {
    const spec = obj.spec;
    if (!spec) {
      errs.required('spec');
      return;
    }
    if (!spec.selector) errs.required('spec.selector');
    if (spec.selector) {
      const sel = labelSelectorFromObject(spec.selector);
      if (!sel.matches(spec.template?.metadata?.labels ?? {})) {
        errs.invalid('spec.template.metadata.labels', spec.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`');
      }
    }
    validateTemplate(spec.template, errs, ['OnFailure', 'Never']);
    if (spec.template?.spec && spec.template.spec.restartPolicy === undefined) {
      errs.required('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"');
    }
    for (const f of ['parallelism', 'completions', 'backoffLimit']) nonNegative(spec[f], `spec.${f}`, errs);
    if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds > 0)) errs.invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than 0');
    if (spec.completionMode !== undefined && !['NonIndexed', 'Indexed'].includes(spec.completionMode)) {
      errs.notSupported('spec.completionMode', spec.completionMode, ['NonIndexed', 'Indexed']);
    }
  },
  validateUpdate(next, prev, errs) {
    selectorImmutable(next, prev, errs);
    if (!jsonEqual(next.spec?.template, prev.spec?.template) && !prev.spec?.suspend) {
      errs.immutable('spec.template', next.spec?.template ?? null);
    }
    if (next.spec?.completions !== prev.spec?.completions && prev.spec?.completionMode !== 'Indexed') errs.immutable('spec.completions', next.spec?.completions);
  },
};

const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Five fields (minute hour day-of-month month day-of-week) or one of the @ macros, optionally prefixed by TZ=. */
export function isValidCronSchedule(schedule: string): boolean {
  const s = schedule.replace(/^(CRON_)?TZ=\S+\s+/, '').trim();
  if (CRON_MACROS.includes(s)) return true;
  if (/^@every\s+\S+$/.test(s)) return true;
  const fields = s.split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

export const cronJobValidator: KindValidator = {
  nameChecker: (n) => (n.length > 52 ? ['must be no more than 52 characters'] : dns1123Subdomain(n)),
  validate(obj, errs) {
    const spec = obj.spec;
    if (!spec) {
      errs.required('spec');
      return;
    }
    if (!spec.schedule) errs.required('spec.schedule');
    else if (typeof spec.schedule !== 'string' || !isValidCronSchedule(spec.schedule)) {
      errs.invalid('spec.schedule', spec.schedule, 'unparseable cron schedule expression');
    }
    if (spec.timeZone !== undefined && spec.schedule?.includes('TZ=')) errs.invalid('spec.schedule', spec.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule');
    if (spec.concurrencyPolicy !== undefined && !['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) {
      errs.notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']);
    }
    for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'startingDeadlineSeconds']) nonNegative(spec[f], `spec.${f}`, errs);
    const jt = spec.jobTemplate;
    if (!jt?.spec?.template) errs.required('spec.jobTemplate.spec.template');
    else {
      validatePodSpec(jt.spec.template.spec, 'spec.jobTemplate.spec.template.spec', errs, true);
      const rp = jt.spec.template.spec?.restartPolicy;
      if (rp !== undefined && !['OnFailure', 'Never'].includes(rp)) errs.notSupported('spec.jobTemplate.spec.template.spec.restartPolicy', rp, ['OnFailure', 'Never']);
    }
  },
};
