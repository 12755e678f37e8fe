import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  uses?: string;
  steps?: Step[];
  environment?: unknown;
  outputs?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const files = ['.github/workflows', 'workflows'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(dir, f)),
);
const load = (path: string) => parse(readFileSync(path, 'utf8')) as Workflow;
/** Our own reusable workflow, referenced by release in the starters: see README "Pinning". */
/** A GitHub expression, spelt so no linter mistakes it for a template literal. */
const expr = (inner: string) => `$${'{{'} ${inner} }}`;
const OWN = /^ecs-release\/ecs-release\/\.github\/workflows\/release\.yml@/;

describe('workflows', () => {
  it.each(files)('%s pins every third-party action by commit SHA', (path) => {
    for (const job of Object.values(load(path).jobs)) {
      const uses = [job.uses, ...(job.steps ?? []).map((s) => s.uses)].filter((u): u is string => !!u);
      for (const ref of uses) {
        if (ref.startsWith('./') || OWN.test(ref)) continue;
        expect(ref, path).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      }
    }
  });

  it.each(files)('%s puts no expression inside a run: script', (path) => {
    for (const job of Object.values(load(path).jobs)) {
      for (const step of job.steps ?? []) {
        if (step.run) expect(step.run, path).not.toMatch(/\$\{\{/);
      }
    }
  });

  it('the reusable workflow: least permissions, one release per environment, runs its own commit', () => {
    const workflow = load('.github/workflows/release.yml');
    expect(Object.keys(workflow.on)).toEqual(['workflow_call']);
    expect(workflow.permissions).toEqual({ 'id-token': 'write', contents: 'read', actions: 'read' });
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(false);
    expect(workflow.concurrency?.group).toContain('inputs.environment');
    const job = workflow.jobs.release;
    expect(job?.environment).toMatchObject({ name: expr('inputs.environment') });
    const self = job?.steps?.find((s) => s.with?.path === '.ecs-release');
    expect(self?.with).toMatchObject({
      repository: expr('job.workflow_repository'),
      ref: expr('job.workflow_sha'),
    });
    const steps = (job?.steps ?? []) as (Step & { id?: string; if?: string; env?: Record<string, string> })[];
    const action = steps.find((s) => s.id === 'release');
    expect(action?.uses).toBe('./.ecs-release');
    expect(action?.env?.AWS_CREDENTIAL_EXPIRATION).toBe(expr('steps.aws.outputs.aws-expiration'));
    // A rollback's summary lists the releases first: history runs before it, and never blocks it.
    const history = steps.find((s) => s.id === 'history');
    expect(history).toMatchObject({
      uses: './.ecs-release',
      if: "inputs.command == 'rollback'",
      'continue-on-error': true,
      with: { command: 'history', environment: expr('inputs.environment') },
    });
    expect(steps.indexOf(history ?? {})).toBeLessThan(steps.indexOf(action ?? {}));
    const aws = job?.steps?.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(aws?.with).toMatchObject({ 'output-credentials': true });
    // The session covers the job's own time-out, the run's upper bound.
    expect(Number(aws?.with?.['role-duration-seconds'])).toBeGreaterThanOrEqual(
      Number((job as { 'timeout-minutes'?: number })['timeout-minutes']) * 60,
    );
  });

  it.each(['workflows/deploy.yml', 'workflows/rollback.yml'])(
    '%s pins the reusable workflow by commit SHA and asks for no deployments permission',
    (path) => {
      const workflow = load(path);
      // actions: read: a caller grants at least what the reusable workflow's job asks for.
      expect(workflow.permissions).toEqual({ 'id-token': 'write', contents: 'read', actions: 'read' });
      for (const job of Object.values(workflow.jobs) as { uses?: string }[]) {
        expect(job.uses, path).toMatch(
          /^ecs-release\/ecs-release\/\.github\/workflows\/release\.yml@[0-9a-f]{40}$/,
        );
      }
    },
  );

  it('the starters: deploy on push to main, and a dispatch rollback with an environment choice and a to input', () => {
    expect(load('workflows/deploy.yml').on).toEqual({ push: { branches: ['main'] } });
    const rollback = load('workflows/rollback.yml');
    const dispatch = rollback.on.workflow_dispatch as { inputs: Record<string, { type: string }> };
    expect(dispatch.inputs.environment?.type).toBe('choice');
    expect(dispatch.inputs.to?.type).toBe('string');
  });

  it('the rollback starter offers unlock: a command choice and a run input, passed to the reusable workflow', () => {
    const rollback = load('workflows/rollback.yml');
    const dispatch = rollback.on.workflow_dispatch as {
      inputs: Record<string, { type: string; options?: string[]; default?: string }>;
    };
    expect(dispatch.inputs.command).toMatchObject({
      type: 'choice',
      options: ['rollback', 'unlock'],
      default: 'rollback',
    });
    expect(dispatch.inputs.run?.type).toBe('string');
    expect(rollback.jobs.rollback?.with).toMatchObject({
      command: expr('inputs.command'),
      run: expr('inputs.run'),
      to: expr('inputs.to'),
    });
  });

  it('the reusable workflow passes command, run and hosts through, and outputs release, result and images', () => {
    const workflow = load('.github/workflows/release.yml');
    const call = workflow.on.workflow_call as {
      inputs: Record<string, { type: string; description: string; default?: string }>;
      outputs: Record<string, { value: string }>;
    };
    expect(call.inputs.command?.description).toMatch(/check/);
    expect(call.inputs.command?.description).toMatch(/unlock/);
    expect(call.inputs.run?.type).toBe('string');
    // hosts is multiline: a string input, passed as is (the action splits the lines).
    expect(call.inputs.hosts).toMatchObject({ type: 'string', default: '' });
    const job = workflow.jobs.release;
    const action = (job?.steps ?? []).find((s) => (s as { id?: string }).id === 'release');
    expect(action?.with).toMatchObject({
      command: expr('inputs.command'),
      run: expr('inputs.run'),
      hosts: expr('inputs.hosts'),
    });
    // Each output is the action's own, through the job: action.yml declares all three.
    const declared = Object.keys(
      (parse(readFileSync('action.yml', 'utf8')) as Workflow & { outputs: object }).outputs,
    );
    for (const name of ['release', 'result', 'images']) {
      expect(declared).toContain(name);
      expect(call.outputs[name]?.value, name).toBe(expr(`jobs.release.outputs.${name}`));
      expect(job?.outputs?.[name], name).toBe(expr(`steps.release.outputs.${name}`));
    }
  });

  describe('the reusable workflow refuses to run without its own repository and commit', () => {
    const steps = load('.github/workflows/release.yml').jobs.release?.steps ?? [];
    const guard = steps[0] ?? {};
    /** Runs the first step's script as the runner would (bash -e), its env: filled in as given. */
    const runGuard = (values: Record<string, string>) =>
      spawnSync('bash', ['-e', '-c', guard.run ?? 'exit 0'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...values },
        encoding: 'utf8',
      });

    it('as its first step, before any checkout, from job.workflow_repository and job.workflow_sha', () => {
      expect(guard.uses).toBeUndefined();
      expect(guard.env).toEqual({
        WORKFLOW_REPOSITORY: expr('job.workflow_repository'),
        WORKFLOW_SHA: expr('job.workflow_sha'),
      });
      const checkouts = steps.filter(
        (s) => s.uses?.startsWith('actions/checkout@') || s.uses?.startsWith('./'),
      );
      expect(checkouts.length).toBeGreaterThan(0);
      for (const s of checkouts) expect(steps.indexOf(s)).toBeGreaterThan(0);
    });

    it.each([
      ['both empty', { WORKFLOW_REPOSITORY: '', WORKFLOW_SHA: '' }],
      ['the SHA empty', { WORKFLOW_REPOSITORY: 'ecs-release/ecs-release', WORKFLOW_SHA: '' }],
      ['the repository empty', { WORKFLOW_REPOSITORY: '', WORKFLOW_SHA: 'a'.repeat(40) }],
    ])('fails the job, saying why, with %s', (_, values) => {
      const result = runGuard(values);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=ecs-release::job\.workflow_repository or job\.workflow_sha is empty/,
      );
      expect(result.stdout).toContain("refuses rather than run your repository's action.yml");
    });

    it('goes on when both are set', () => {
      const result = runGuard({
        WORKFLOW_REPOSITORY: 'ecs-release/ecs-release',
        WORKFLOW_SHA: 'a'.repeat(40),
      });
      expect(result.status).toBe(0);
      expect(result.stdout).not.toContain('::error');
    });
  });
  describe('promotion (docs/promotion.md)', () => {
    const release = load('.github/workflows/release.yml');
    const steps = release.jobs.release?.steps ?? [];
    const guard = steps.find((s) => (s as { if?: string }).if === 'inputs.promote') ?? {};
    const runGuard = (images: string) =>
      spawnSync('bash', ['-e', '-c', guard.run ?? 'exit 0'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IMAGES: images },
        encoding: 'utf8',
      });

    it('the reusable workflow takes images and promote, and passes images to the action', () => {
      const call = release.on.workflow_call as {
        inputs: Record<string, { type: string; default?: unknown }>;
      };
      expect(call.inputs.images).toMatchObject({ type: 'string', default: '' });
      expect(call.inputs.promote).toMatchObject({ type: 'boolean', default: false });
      const action = steps.find((s) => (s as { id?: string }).id === 'release');
      expect(action?.with?.images).toBe(expr('inputs.images'));
      expect(guard.env).toEqual({ IMAGES: expr('inputs.images') });
      // Before anything is checked out or any credential is asked for.
      const firstCheckout = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'));
      expect(steps.indexOf(guard)).toBeLessThan(firstCheckout);
    });

    it.each([
      ['empty', ''],
      ['an empty object', '{}'],
    ])('a promotion whose images arrived %s fails at once, saying why, instead of building', (_, images) => {
      const result = runGuard(images);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=ecs-release::promote is true but the images input is empty/,
      );
      expect(result.stdout).toContain('GitHub drops a job output that contains a masked value');
    });

    it('goes on with the images of the earlier run', () => {
      const result = runGuard(
        '{"backend":{"uri":"1.dkr.ecr.eu-west-1.amazonaws.com/a","digest":"sha256:0"}}',
      );
      expect(result.status).toBe(0);
      expect(result.stdout).not.toContain('::error');
    });

    it("the starter: staging on push to main, then production from staging's images behind its environment", () => {
      const promote = load('workflows/promote.yml');
      expect(promote.on).toEqual({ push: { branches: ['main'] } });
      const { staging, production } = promote.jobs as Record<string, Job & { needs?: string }>;
      expect(staging?.uses).toMatch(OWN);
      expect(staging?.with).toMatchObject({ environment: 'staging' });
      expect(staging?.with?.images).toBeUndefined();
      expect(production?.uses).toMatch(OWN);
      expect(production?.needs).toBe('staging');
      expect(production?.with).toMatchObject({
        environment: 'production',
        images: expr('needs.staging.outputs.images'),
        promote: true,
      });
    });
  });
});
