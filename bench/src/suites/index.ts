import type { Suite } from '../result.js';
import { schedulerSuite } from './scheduler.js';
import { lbSuite } from './lb.js';
import { storeSuite } from './store.js';
import { apiSuite } from './api.js';
import { controllersSuite } from './controllers.js';
import { nodeSuite } from './node.js';
import { clusterSuite } from './cluster.js';

/** Every suite, by the name `pnpm bench <name>` takes. */
export const suites: Record<string, Suite> = {
  scheduler: schedulerSuite,
  store: storeSuite,
  lb: lbSuite,
  api: apiSuite,
  controllers: controllersSuite,
  node: nodeSuite,
  cluster: clusterSuite,
};
