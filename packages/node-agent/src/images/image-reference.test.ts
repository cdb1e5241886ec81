import { describe, expect, it } from 'vitest';
import { isNodeAgentError } from '../errors.js';
import { isImageId, normalizeImageName, parseImageReference } from './image-reference.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('normalizeImageName', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['user/app:v1', 'docker.io/user/app:v1'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app:2', 'localhost:5000/team/app:2'],
    [`quay.io/a/b@${digest}`, `quay.io/a/b@${digest}`],
    [`busybox:1@${digest}`, `docker.io/library/busybox:1@${digest}`],
    ['my_app/some-thing.x', 'docker.io/my_app/some-thing.x:latest'],
  ])('turns %s into %s', (input, expected) => {
    expect(normalizeImageName(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['Busybox', 'lowercase'],
    ['busybox:', 'tag'],
    ['busybox@sha256:xyz', 'digest'],
    ['a//b', 'path component'],
    ['busybox:-bad', 'tag'],
  ])('rejects %j with a reason mentioning %s', (input, why) => {
    let caught: unknown;
    try {
      parseImageReference(input);
    } catch (err) {
      caught = err;
    }
    expect(isNodeAgentError(caught, 'InvalidReference')).toBe(true);
    expect(String((caught as Error).message)).toContain(why);
  });
});

describe('parseImageReference', () => {
  it('splits a reference into domain, path, tag and repository', () => {
    expect(parseImageReference('localhost:5000/team/app:2')).toMatchObject({
      domain: 'localhost:5000',
      path: 'team/app',
      tag: '2',
      repository: 'localhost:5000/team/app',
    });
  });
});

describe('isImageId', () => {
  it.each([
    ['a'.repeat(64), true],
    [`sha256:${'b'.repeat(64)}`, true],
    ['busybox', false],
    ['a'.repeat(63), false],
  ])('says %s is an image id: %s', (input, expected) => {
    expect(isImageId(input)).toBe(expected);
  });
});
