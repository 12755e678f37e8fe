import type { ContainerDefinition } from '@aws-sdk/client-ecs';

export type LogTarget =
  | { kind: 'awslogs'; group: string; stream: string; region?: string }
  | { kind: 'none'; reason: string };

/**
 * Where awslogs puts the container's output: `<prefix>/<container>/<task id>`
 * with a stream prefix (required on Fargate), else the Docker container id.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
 */
export function logTarget(def: ContainerDefinition, taskId: string, runtimeId?: string): LogTarget {
  const config = def.logConfiguration;
  if (!config) return { kind: 'none', reason: `container ${def.name} has no logConfiguration` };
  if (config.logDriver !== 'awslogs') {
    return {
      kind: 'none',
      reason: `container ${def.name} logs with the ${config.logDriver} driver, not awslogs`,
    };
  }
  const options = config.options ?? {};
  const group = options['awslogs-group'];
  if (!group)
    return { kind: 'none', reason: `container ${def.name}'s awslogs options have no awslogs-group` };
  const prefix = options['awslogs-stream-prefix'];
  const region = options['awslogs-region'];
  const stream = prefix ? `${prefix}/${def.name}/${taskId}` : runtimeId;
  if (!stream) return { kind: 'none', reason: 'the log stream is named by the container id, not known yet' };
  return { kind: 'awslogs', group, stream, ...(region && { region }) };
}
