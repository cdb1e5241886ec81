import type { Suite } from '../result.js';

/** Every suite, by the name `pnpm bench <name>` takes. */
export const suites: Record<string, Suite> = {};
