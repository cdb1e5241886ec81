import { randomBytes } from 'node:crypto';

/** A container or sandbox ID: 64 lowercase hex characters, as containerd and Docker make them. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function isValidId(id: string): boolean {
  return /^[a-f0-9]{64}$/.test(id);
}
