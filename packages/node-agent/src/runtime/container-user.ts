import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LinuxContainerSecurityContext } from '../cri/cri-types.js';
import { NodeAgentError } from '../errors.js';
import type { ContainerUser } from './records.js';

/**
 * The uid, gid and supplementary groups a container's first process runs with, decided as Kubernetes runtimes do:
 * runAsUser / runAsUsername / runAsGroup from the security context win over the image's USER ("uid", "name",
 * "uid:gid", "name:group"); names are looked up in the image's /etc/passwd and /etc/group; with the Merge policy
 * (the default) the user's groups from /etc/group are added to supplementalGroups.
 */
interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

async function readColonFile(rootfs: string, path: string): Promise<string[][]> {
  try {
    const text = await readFile(join(rootfs, path), 'utf8');
    return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

async function passwd(rootfs: string): Promise<PasswdEntry[]> {
  return (await readColonFile(rootfs, 'etc/passwd')).map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }));
}

async function groups(rootfs: string): Promise<{ name: string; gid: number; members: string[] }[]> {
  return (await readColonFile(rootfs, 'etc/group')).map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

const isNumeric = (s: string) => /^\d+$/.test(s);

export async function resolveContainerUser(
  rootfs: string,
  imageUser: string | undefined,
  security: LinuxContainerSecurityContext | null | undefined,
): Promise<ContainerUser> {
  const users = await passwd(rootfs);
  let uid = 0;
  let gid: number | undefined;
  let name: string | undefined;

  const lookupUser = (spec: string): void => {
    if (isNumeric(spec)) {
      uid = Number(spec);
      const entry = users.find((u) => u.uid === uid);
      name = entry?.name;
      gid ??= entry?.gid;
      return;
    }
    const entry = users.find((u) => u.name === spec);
    if (!entry) throw new NodeAgentError('InvalidArgument', `user "${spec}" does not exist in the image's /etc/passwd`);
    uid = entry.uid;
    gid ??= entry.gid;
    name = entry.name;
  };

  const groupList = await groups(rootfs);
  const lookupGroup = (spec: string): number => {
    if (isNumeric(spec)) return Number(spec);
    const entry = groupList.find((g) => g.name === spec);
    if (!entry) throw new NodeAgentError('InvalidArgument', `group "${spec}" does not exist in the image's /etc/group`);
    return entry.gid;
  };

  if (security?.runAsGroup && !security.runAsUser && !security.runAsUsername) {
    throw new NodeAgentError('InvalidArgument', 'runAsGroup is set without runAsUser or runAsUsername');
  }
  if (security?.runAsGroup) gid = security.runAsGroup.value;
  if (security?.runAsUser) lookupUser(String(security.runAsUser.value));
  else if (security?.runAsUsername) lookupUser(security.runAsUsername);
  else if (imageUser) {
    const [userPart, groupPart] = imageUser.split(':', 2);
    if (groupPart !== undefined && !security?.runAsGroup) gid = lookupGroup(groupPart);
    if (userPart) lookupUser(userPart);
  }
  const finalGid = gid ?? 0;
  const extra = new Set<number>(security?.supplementalGroups ?? []);
  if (security?.supplementalGroupsPolicy !== 'Strict' && name) {
    for (const g of groupList) if (g.members.includes(name) && g.gid !== finalGid) extra.add(g.gid);
  }
  return { uid, gid: finalGid, additionalGids: [...extra].sort((a, b) => a - b) };
}
