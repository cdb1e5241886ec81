// @skiff/cluster: the `skiff` CLI and what it is made of, for scripts (scripts/dev.ts) and tests.
export { runCli, topLevelHelp, COMMANDS } from './cli/cli.js';
export type { Command, CommandResult } from './cli/command.js';
export { parseCommandLine, formatFlags, flag, switchFlag, flagName, type FlagDef, type FlagSpec, type CommandLine } from './cli/flags.js';
export { UsageError, ClusterError, isUsageError, isClusterError, type ClusterErrorCode } from './errors.js';
export { runCluster, type RunHooks } from './up/cluster-runner.js';
export { upFlags, upOptionsFrom, resolveClusterState, DEFAULTS, type UpOptions } from './up/up-options.js';
export { resetCluster, type ResetReport } from './reset/cluster-reset.js';
export { loadClusterState, type ClusterState, type StoreKind, type NetworkMode } from './cluster/cluster-state.js';
export { clusterTopology, nodeName, fakeNodeName, type ClusterTopology, type NodeTopology } from './cluster/topology.js';
export { dataDirLayout, defaultDataDir, type DataDir } from './cluster/data-dir.js';
export { consoleReporter, memoryReporter, type Reporter } from './supervisor/reporter.js';
export { FakeNodePool, type FakeNodePoolOptions } from './fake-nodes/fake-node-pool.js';
export { COMPONENTS, locateComponent, workspaceRoot, type ComponentName } from './components/components.js';
export { fetchStatus } from './control/control-client.js';
export type { ClusterStatus } from './control/control-server.js';
