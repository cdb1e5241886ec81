#!/usr/bin/env node
/**
 * skiff: the cluster's CLI. Exit codes: 0 success, 1 failure, 2 bad command line, 3 (status) not running.
 */
import { runCli } from '../cli/cli.js';

runCli(process.argv.slice(2)).then(
  (result) => {
    if (result !== 'serving') process.exit(result);
  },
  (e: unknown) => {
    process.stderr.write(`skiff: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
