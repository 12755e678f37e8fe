import { z } from 'zod';
import { HOST_PATTERN } from './addresses';
import {
  BAKE_BOUNDS,
  badEnvironmentName,
  controlCharacter,
  type DurationBounds,
  escapeControl,
  nulInCommand,
  outOfBounds,
  PLATFORM_PATTERN,
  smokeUrlProblem,
  TIMEOUT_BOUNDS,
  urlWithUserinfo,
} from './bounds';
import { DURATION_HINT, parseDuration } from './duration';
import { refusedMigrationEnvName } from './migration-env';

/**
 * The config file's schema (docs/config.md "The file"). The JSON Schema that editors use is
 * generated from this (`npm run schema`), so the two never drift apart.
 */

const name = z.string().trim().min(1, 'must not be empty');
/** A cluster, service or container name. */
const ecsName = name.superRefine((value, ctx) => {
  const problem = controlCharacter(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const duration = (bounds: DurationBounds) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const ms = parseDuration(value);
      const problem =
        ms === undefined ? `expected ${DURATION_HINT}, got "${value}"` : outOfBounds(ms, bounds);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h))+$', description: `${DURATION_HINT}` });
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const imageSchema = z.strictObject({
  repository: name.describe('ECR repository name, e.g. acme/frontend'),
  context: name.optional().describe('docker build context, relative to the repository root'),
  dockerfile: name.optional().describe('Dockerfile path; default <context>/Dockerfile'),
  'build-args': z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), scalar).optional(),
  target: name.optional().describe('build stage'),
  platform: z.string().regex(PLATFORM_PATTERN, 'expected os/arch, e.g. linux/amd64').optional(),
});

export const serviceSchema = z.strictObject({
  service: ecsName.describe('ECS service name'),
  containers: z
    .record(name, name)
    .refine((value) => Object.keys(value).length > 0, {
      message: 'map at least one container to an image key',
    })
    .superRefine((value, ctx) => {
      // On the record, not its key schema (zod says only "Invalid key in record"); the key, escaped, in
      // the message: in the path it would print the character itself.
      for (const container of Object.keys(value)) {
        const problem = controlCharacter(container);
        if (problem)
          ctx.addIssue({ code: 'custom', message: `container ${escapeControl(container)} ${problem}` });
      }
    })
    .describe('container name -> image key'),
  wave: z.number().int().min(1).max(100).optional().describe('waves roll in ascending order; default 1'),
});

export const migrationsSchema = z.strictObject({
  service: ecsName.optional().describe('service whose new task definition and network the migration uses'),
  container: ecsName.optional(),
  command: z
    .union([
      z
        .array(z.string())
        .min(1)
        .refine((command) => command[0]?.trim(), {
          message: 'the program (first element) must not be empty',
        }),
      z.string().trim().min(1),
    ])
    .superRefine((command, ctx) => {
      const problem = nulInCommand(command);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('exec form (array) or a string run with sh -c'),
  mode: z.enum(['task', 'runner']).optional(),
  timeout: duration(TIMEOUT_BOUNDS).optional(),
  always: z.boolean().optional(),
  'db-instance': name.optional().describe('RDS DB instance or Aurora cluster identifier'),
  snapshot: z.boolean().optional(),
  'db-secret': name.optional().describe('Secrets Manager ARN of the DB credentials (runner mode)'),
  env: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
        .superRefine((value, ctx) => {
          const refused = refusedMigrationEnvName(value);
          if (refused) ctx.addIssue({ code: 'custom', message: refused });
        }),
    )
    .optional()
    .describe('runner mode: names of further environment variables passed to the migration'),
});

/**
 * Both smoke URLs: printed in the log and the summary, so never with credentials.
 * Checked as written: zod's URL check would drop a tab or a newline silently.
 */
const smokeUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem = !/^https?:\/\/[^/]/i.test(value)
      ? 'expected an http(s) URL'
      : urlWithUserinfo(value)
        ? 'must not hold credentials (user:password@): they would be printed and sent as the deployment URL'
        : (smokeUrlProblem(value) ?? (URL.canParse(value) ? undefined : 'expected an http(s) URL'));
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'uri' });

export const gateSchema = z.strictObject({
  alarms: z.array(name).optional(),
  'alarm-prefix': name.optional(),
  'bake-time': duration(BAKE_BOUNDS).optional(),
  'smoke-url': smokeUrl.optional(),
  'smoke-test-url': smokeUrl
    .optional()
    .describe(
      "built-in strategies: a URL served by the services' test listener, checked before production traffic moves",
    ),
  'auto-rollback': z.boolean().optional(),
  'wait-timeout': duration(TIMEOUT_BOUNDS).optional(),
});

/** A public host name the release serves (docs/ground.md). */
const host = z.string().max(253).regex(HOST_PATTERN, 'expected a host name');

const accountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id (quote it in YAML)');

const sections = {
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like eu-west-1')
    .optional(),
  cluster: ecsName.optional(),
  'account-id': accountId.optional(),
  images: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'image keys are lower-case words'), imageSchema)
    .optional(),
  services: z.array(serviceSchema).optional(),
  migrations: migrationsSchema.optional(),
  gate: gateSchema.optional(),
  hosts: z
    .array(host)
    .optional()
    .describe(
      "public host names the release's load balancers serve: their certificates and DNS are checked (docs/ground.md)",
    ),
  'certificate-min-days': z
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe(
      'an imported or IAM certificate that expires within this many days is a warning (an error for check); default 30',
    ),
};

export const environmentSchema = z.strictObject(sections);

export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  ...sections,
  environments: z
    .record(name, environmentSchema.nullable())
    .superRefine((value, ctx) => {
      // On the record, not its key schema (zod would say only "Invalid key in record").
      for (const environment of Object.keys(value)) {
        const problem = badEnvironmentName(environment);
        const shown = environment.length > 60 ? `${environment.slice(0, 60)}…` : environment;
        if (problem) {
          ctx.addIssue({ code: 'custom', message: `environment ${escapeControl(shown)}: name ${problem}` });
        }
      }
    })
    .optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type EnvironmentOverlay = z.infer<typeof environmentSchema>;
