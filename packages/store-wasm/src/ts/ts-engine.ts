// TEMPORARY: the TypeScript twin replaces this file; until then the reference model stands in.
import { ReferenceModel } from '../../test-util/reference-model.js';

export class TsEngine extends ReferenceModel {}
