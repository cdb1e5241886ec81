import { describe, expect, it } from 'vitest';
import { dropManagedFields } from './managed-fields.js';

describe('dropManagedFields', () => {
  it('removes the field and keeps the rest of the object', () => {
    const mf = [{ manager: 'm', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } } } }];
    const obj = { kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' }, managedFields: mf }, spec: { managedFields: 'not metadata' } };
    expect(dropManagedFields(obj)).toBe(obj);
    expect(obj).toEqual({ kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' } }, spec: { managedFields: 'not metadata' } });
    expect('managedFields' in obj.metadata).toBe(false);
  });

  it('leaves objects without the field as they are', () => {
    const meta = { name: 'p' };
    const obj = { metadata: meta };
    dropManagedFields(obj);
    expect(obj.metadata).toBe(meta);
    expect(dropManagedFields({ kind: 'X' })).toEqual({ kind: 'X' });
  });
});
