/**
 * What running without root means for a cluster, said once at start so nobody wonders why pods have no network
 * of their own.
 */

export function hostModeNotice(root: boolean): string {
  if (root) {
    return 'network: host (as asked): every node shares the host network; each node gets its own pod bridge, but pods on different nodes cannot reach each other';
  }
  return (
    'not running as root, so the cluster runs with the process backend on one network: nodes share the host network, ' +
    'containers are plain host processes (no runc isolation, no CNI pod networks, no cgroup limits) and NodePorts are on 127.0.0.1. ' +
    'Run as root (as k3s does) for network namespaces per node, runc and CNI.'
  );
}
