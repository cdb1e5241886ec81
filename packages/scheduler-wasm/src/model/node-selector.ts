import type { V1NodeSelectorRequirement, V1NodeSelectorTerm } from '@kubernetes/client-node';
import { NO_VALUE, NODE_NAME_FIELD, Op } from '../core/codes.js';
import type { CoreModel } from './core-model.js';
import { parseLabelInt } from './label-int.js';
import { RecordWriter } from './record-writer.js';
import { SelectorError } from './label-selector.js';

/**
 * Node-selector requirements compiled against the node table: [column, op, n, values...]. Values are node-label
 * value ids (a value no node carries compiles to NO_VALUE, which no node matches); Gt/Lt carry their integer
 * threshold as the two halves of an f64; matchFields on metadata.name use the column NODE_NAME_FIELD and node slots.
 */
export function compileRequirement(req: V1NodeSelectorRequirement, field: boolean, model: CoreModel): number[] {
  const values = req.values ?? [];
  if (field) {
    if (req.key !== 'metadata.name') throw new SelectorError(`matchFields supports only metadata.name, not "${req.key}"`);
    if (req.operator !== 'In' && req.operator !== 'NotIn') throw new SelectorError(`matchFields operator must be In or NotIn, not "${req.operator}"`);
    if (values.length !== 1) throw new SelectorError('matchFields needs exactly one value');
    return [NODE_NAME_FIELD, req.operator === 'In' ? Op.In : Op.NotIn, 1, model.nodeSlot(values[0]!) ?? NO_VALUE];
  }
  if (!req.key) throw new SelectorError('a node selector requirement needs a key');
  const col = model.keyColumn(req.key);
  switch (req.operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0) throw new SelectorError(`operator ${req.operator} needs at least one value (key ${req.key})`);
      const ids = values.map((v) => model.ids.nodeValues.get(v) ?? NO_VALUE);
      return [col, req.operator === 'In' ? Op.In : Op.NotIn, ids.length, ...ids];
    }
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) throw new SelectorError(`operator ${req.operator} takes no values (key ${req.key})`);
      return [col, req.operator === 'Exists' ? Op.Exists : Op.DoesNotExist, 0];
    case 'Gt':
    case 'Lt': {
      const n = values.length === 1 ? parseLabelInt(values[0]!) : NaN;
      if (Number.isNaN(n)) throw new SelectorError(`operator ${req.operator} needs exactly one integer value (key ${req.key})`);
      const [lo, hi] = RecordWriter.splitF64(n);
      return [col, req.operator === 'Gt' ? Op.Gt : Op.Lt, 2, lo, hi];
    }
    default:
      throw new SelectorError(`unknown operator "${String(req.operator)}" (key ${req.key})`);
  }
}

/** A term's requirements (expressions and fields, all of which must hold), or null for an empty term. */
export function compileTerm(term: V1NodeSelectorTerm | undefined, model: CoreModel): { count: number; words: number[] } | null {
  const exprs = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return null;
  const words: number[] = [];
  for (const r of exprs) words.push(...compileRequirement(r, false, model));
  for (const r of fields) words.push(...compileRequirement(r, true, model));
  return { count: exprs.length + fields.length, words };
}
