import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { ecrHost } from '../../src/config/promotion';
import { BASE_INPUTS, options, problemsOf } from './helpers';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const STAGING = '444455556666.dkr.ecr.eu-west-1.amazonaws.com';

/** The images output of a staging run, as the reusable workflow passes it on. */
const stagingOutput = {
  frontend: {
    uri: `${STAGING}/acme/frontend`,
    digest: D1,
    tag: 'content-0123abcd',
    region: 'eu-west-1',
    built: true,
  },
  backend: { uri: `${STAGING}/acme/backend`, digest: D2, built: false },
};

const load = (images: string) => loadConfig(options({ ...BASE_INPUTS, images }));

describe('input "images" (promotion)', () => {
  it("takes the images output of another run: each key's source repository, digest and content tag", () => {
    const config = load(JSON.stringify(stagingOutput));
    expect(config.promote).toEqual({
      frontend: {
        uri: `${STAGING}/acme/frontend`,
        host: STAGING,
        repository: 'acme/frontend',
        digest: D1,
        contentTag: 'content-0123abcd',
        region: 'eu-west-1',
      },
      backend: { uri: `${STAGING}/acme/backend`, host: STAGING, repository: 'acme/backend', digest: D2 },
    });
  });

  it('reads the content tag from a uri with :tag, and a lab registry host with a port', () => {
    const config = load(
      JSON.stringify({
        ...stagingOutput,
        backend: { uri: '127.0.0.1:5055/run/backend:content-77', digest: D2 },
      }),
    );
    expect(config.promote?.backend).toMatchObject({
      host: '127.0.0.1:5055',
      repository: 'run/backend',
      contentTag: 'content-77',
    });
  });

  it('without it, nothing is promoted', () => {
    expect(loadConfig(options(BASE_INPUTS)).promote).toBeUndefined();
  });

  it('refuses text that is not JSON, and JSON that is not an object, naming the input', () => {
    expect(problemsOf(() => load('{frontend:'))).toEqual([
      expect.stringMatching(
        /^input "images": is not JSON \(.*\); pass the images output of the run to promote$/,
      ),
    ]);
    expect(problemsOf(() => load('["sha256:x"]'))).toEqual([
      'input "images": expected a JSON object per image key, the shape of the images output: { "<key>": { "uri", "digest" } }',
    ]);
  });

  it('names a key the release deploys that the object lacks (an empty images output, for one)', () => {
    expect(problemsOf(() => load(JSON.stringify({ frontend: stagingOutput.frontend })))).toEqual([
      'input "images": has no image "backend", which this release deploys (keys given: "frontend")',
    ]);
    expect(problemsOf(() => load('{}'))).toHaveLength(2);
  });

  it('reports every bad entry at once: digest, uri, tag, shape', () => {
    const problems = problemsOf(() =>
      load(
        JSON.stringify({
          frontend: { uri: 'acme/frontend', digest: 'sha256:abc', tag: 'no spaces', region: 'mars' },
          backend: 'sha256:x',
        }),
      ),
    );
    expect(problems).toEqual([
      'input "images": "frontend": region "mars" is not an AWS region',
      'input "images": "frontend": digest "sha256:abc" is not sha256: followed by 64 lowercase hex digits',
      'input "images": "frontend": tag "no spaces" is not an image tag',
      'input "images": "frontend": uri expected <registry host>/<repository>, as the images output writes it',
      'input "images": "backend" must be an object { "uri", "digest" }, as the images output writes it',
    ]);
  });

  it('refuses a uri naming another digest, a bad repository name, and an uppercase digest', () => {
    const problems = problemsOf(() =>
      load(
        JSON.stringify({
          frontend: { uri: `${STAGING}/acme/frontend@${D2}`, digest: D1 },
          backend: { uri: `${STAGING}/Acme Backend`, digest: D2.toUpperCase() },
        }),
      ),
    );
    expect(problems).toEqual([
      `input "images": "frontend": the uri names ${D2} but the digest is another: give one`,
      'input "images": "backend": digest "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" is not sha256: followed by 64 lowercase hex digits',
      'input "images": "backend": uri "Acme Backend" is not a repository name',
    ]);
  });

  it('prints control characters of a hostile key escaped, never raw', () => {
    const problems = problemsOf(() =>
      load(JSON.stringify({ frontend: '\u001b[31m', backend: { digest: D2 } })),
    );
    expect(problems.join('\n')).not.toContain('\u001b');
    expect(problems).toContain('input "images": "backend": uri (missing)');
  });

  it('ignores keys of images this release does not deploy (staging may release more)', () => {
    const config = load(JSON.stringify({ ...stagingOutput, worker: { uri: 'bad', digest: 'bad' } }));
    expect(Object.keys(config.promote ?? {}).sort()).toEqual(['backend', 'frontend']);
  });
});

describe('ECR registry hosts', () => {
  it('reads the account and region of ECR, ECR FIPS and ECR China hosts', () => {
    expect(ecrHost(STAGING)).toEqual({ account: '444455556666', region: 'eu-west-1' });
    expect(ecrHost('111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com')).toEqual({
      account: '111122223333',
      region: 'us-gov-west-1',
    });
    expect(ecrHost('111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn')?.region).toBe('cn-north-1');
  });

  it('knows no other host: a lab registry or a look-alike is not ECR', () => {
    expect(ecrHost('127.0.0.1:5055')).toBeUndefined();
    expect(ecrHost('111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example')).toBeUndefined();
    expect(ecrHost('1111.dkr.ecr.eu-west-1.amazonaws.com')).toBeUndefined();
  });
});
