/**
 * The typed hand-offs between stages: preflight → images → render → migrate →
 * rollout → gate → record, rollback on failure. Each stage module exports one
 * function taking a StageContext plus the earlier stages' outputs.
 */
import type { Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { ServiceConfig } from '../config/types';

/** `abandoned`: the release's run ended without recording an outcome (killed, or cleared by `unlock`). */
export type ReleaseOutcome = 'succeeded' | 'rolled-back' | 'failed' | 'abandoned';

/** A release without an outcome whose run is over (GitHub says so, or a later attempt of it runs). */
export interface StaleRelease {
  release: string;
  runUrl?: string;
  /** Its running revisions, which get the outcome `abandoned`. */
  arns: string[];
  /** Why its run is over, for the log and the summary. */
  why: string;
}

/** A container of a task definition and the image key whose image it runs. */
export interface ResolvedMapping {
  container: string;
  image: string;
}

/** A service as preflight found it. */
export interface LiveService {
  config: ServiceConfig;
  arn: string;
  service: Service;
  /** The revision the service runs now (its PRIMARY deployment's), not the family's latest. */
  taskDefinition: TaskDefinition;
  taskDefinitionTags: Tag[];
  /** `config.containers` with every container name resolved against the task definition. */
  containers: ResolvedMapping[];
}

export interface RepositoryInfo {
  name: string;
  /** Repository URI (registry host + name), known even before the repository exists. */
  uri: string;
  exists: boolean;
}

export interface PreflightResult {
  accountId: string;
  services: LiveService[];
  /** By image key. */
  repositories: Record<string, RepositoryInfo>;
  /** Gate alarms: the names given plus every alarm matching the prefix. */
  alarms: string[];
  warnings: string[];
  /** Releases without an outcome whose run is over: `deploy` marks them `abandoned` after it claims. */
  staleReleases?: StaleRelease[];
}

export interface BuiltImage {
  key: string;
  uri: string;
  digest: string;
  /** `<uri>@<digest>`: what task definitions reference. */
  reference: string;
  contentTag: string;
  built: boolean;
  /** Promoted (input `images`): the source repository the digest came from. */
  promotedFrom?: string;
}

/** By image key. */
export type ImagesResult = Record<string, BuiltImage>;

export interface RenderedService {
  live: LiveService;
  /** The revision the service runs now. */
  previousArn: string;
  /** The revision this release wants running: newly registered, or the previous one when unchanged. */
  targetArn: string;
  changed: boolean;
}

export interface RenderResult {
  services: RenderedService[];
}

export interface MigrationResult {
  outcome: 'succeeded' | 'skipped';
  detail: string;
  taskArn?: string;
  /** The manual RDS snapshot taken just before migrating (`db-snapshot`). */
  snapshot?: { id: string; ms: number };
}

/** How ECS moves a service (its `deploymentConfiguration.strategy`; ROLLING when unset). */
export type StrategyName = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** One service moved to one task definition. */
export interface RolloutTarget {
  service: string;
  taskDefinitionArn: string;
  wave: number;
  /** Default ROLLING. */
  strategy?: StrategyName;
}

/** What a built-in (BLUE_GREEN/LINEAR/CANARY) service deployment went through, for the log and the summary. */
export interface BuiltInProgress {
  serviceDeploymentArn: string;
  /** Lifecycle stages reached, in order, each with the clock time it was first seen (ISO 8601). */
  stages: { stage: string; at: string }[];
  /** Last seen traffic weights, percent by revision (short ARN: family:revision). */
  weights?: { production: Record<string, number>; test?: Record<string, number> };
  /** Set while the deployment waits at a PAUSE hook ecs-release will answer (state `held`). */
  heldAt?: { hookId: string; stage: string };
  /** The deployment's last status (SUCCESSFUL, ROLLBACK_SUCCESSFUL, STOPPED…). */
  status?: string;
}

export interface ServiceRolloutResult {
  service: string;
  taskDefinitionArn: string;
  deploymentId?: string;
  /**
   * `held`: a built-in deployment at its commit point (a PAUSE hook at
   * POST_PRODUCTION_TRAFFIC_SHIFT awaiting action, or ECS's BAKE_TIME with blue still
   * running): ready for the release's gate, not finished.
   */
  state:
    | 'completed'
    | 'held'
    | 'failed'
    | 'rolled-back-by-ecs'
    | 'replaced'
    | 'timed-out'
    | 'not-started'
    | 'cancelled';
  /** Why it failed, with the stopped tasks' reasons, exit codes and target health. */
  detail?: string;
  /** state 'rolled-back-by-ecs': the deployment ECS's circuit breaker is rolling the service back to (watch it, never fight it). */
  ecsRollbackDeploymentId?: string;
  /** Built-in strategies only. */
  builtIn?: BuiltInProgress;
}

export interface RolloutResult {
  ok: boolean;
  services: ServiceRolloutResult[];
  /** Per service, the event ids already printed: a later watch (ECS's own rollback) prints each event once. */
  seenEvents?: Map<string, Set<string>>;
}

export interface GateResult {
  ok: boolean;
  alarms: { name: string; state: string }[];
  /** Why the gate failed: the alarm that fired and when, or the smoke check's failures. */
  reason?: string;
}
