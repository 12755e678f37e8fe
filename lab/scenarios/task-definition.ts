/**
 * A Fargate task definition of one essential container (0.25 vCPU, 512 MiB), in the
 * RegisterTaskDefinition input's shape: what the scenarios and the tests register.
 * `container` adds to the container (its name, image, ports, logs); `extra` adds to
 * the task definition (tags, roles, runtime platform).
 */
export function fargateTaskDefinition(
  family: string,
  container: { name: string; image: string } & Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ essential: true, ...container }],
    ...extra,
  };
}

/** The awslogs driver writing to `/ecs/<family>` with the `ecs` stream prefix, as ECS's console sets it up. */
export function awslogs(family: string, region: string) {
  return {
    logDriver: 'awslogs',
    options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': region, 'awslogs-stream-prefix': 'ecs' },
  };
}
