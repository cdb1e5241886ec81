/**
 * /version. `minor` must be "32": kubectl on this machine is a dispatcher that picks the kubectl binary by the
 * server's minor version, and 1.32 is the one whose behaviour (protobuf bodies included) we serve.
 */
export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' };

export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`,
    gitCommit: 'skiff',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'skiff',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
