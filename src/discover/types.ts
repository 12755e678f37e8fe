/**
 * What `ecs-release init` read from an account (docs/init.md): the facts only, as AWS
 * returned them. The guesses made from them (image keys, build contexts, waves) are
 * draft.ts's, so they can be tested without AWS.
 */

export interface FoundContainer {
  name: string;
  /** The image reference the running task definition names. */
  image: string;
  /** The repository name inside the registry (`acme/api`), when the reference has one. */
  repository?: string;
  /** Environment variable names and values (values are printed nowhere: only matched). */
  environment: { name: string; value: string }[];
  /** `secrets[].name` → `valueFrom`. */
  secrets: { name: string; valueFrom: string }[];
}

export interface FoundService {
  name: string;
  arn: string;
  taskDefinitionArn: string;
  family: string;
  /** ROLLING, BLUE_GREEN, LINEAR, CANARY, or the controller's type (CODE_DEPLOY, EXTERNAL). */
  strategy: string;
  containers: FoundContainer[];
  targetGroupArns: string[];
  executionRoleArn?: string;
  taskRoleArn?: string;
  logGroups: string[];
}

export interface FoundRepository {
  name: string;
  arn: string;
  uri: string;
}

export interface FoundFront {
  loadBalancerArns: string[];
  listenerArns: string[];
  /** Hosts of the host-header conditions of the rules that forward to the services' target groups. */
  hosts: string[];
}

export interface FoundAlarm {
  name: string;
  arn: string;
  /** Why it was taken: the dimension that names one of the services' resources. */
  because: string;
}

export interface FoundDatabase {
  instance: string;
  arn: string;
  /** The service and what in its task definition named the instance. */
  service: string;
  container: string;
  because: string;
}

export interface Found {
  region: string;
  account?: string;
  cluster: string;
  clusterArn: string;
  services: FoundService[];
  /** Repositories ECR holds, by name; an image's repository missing here is left to the person. */
  repositories: FoundRepository[];
  front: FoundFront;
  alarms: FoundAlarm[];
  /** Alarms skipped on purpose (Application Auto Scaling's target tracking alarms). */
  skippedAlarms: string[];
  database?: FoundDatabase;
  /** What could not be read (a missing permission, a service not found): printed as "left to you". */
  unread: string[];
}
