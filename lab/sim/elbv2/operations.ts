/**
 * ELBv2 operations (query protocol; members in PascalCase as the API names them).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/
 */
import { optNumber, optObject, optObjects, optString, optStrings, page, reqString } from '../ecs/input.js';
import { AwsError, type ServiceOperations } from '../types.js';
import type { Elbv2World, TargetGroup } from './world.js';

function describeGroup(g: TargetGroup) {
  return {
    TargetGroupArn: g.arn,
    TargetGroupName: g.name,
    Protocol: g.protocol,
    Port: g.port,
    VpcId: g.vpcId,
    HealthCheckProtocol: g.healthCheck.protocol,
    HealthCheckPort: g.healthCheck.port,
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: g.healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: g.healthCheck.timeoutSeconds,
    HealthyThresholdCount: g.healthCheck.healthyThresholdCount,
    UnhealthyThresholdCount: g.healthCheck.unhealthyThresholdCount,
    HealthCheckPath: g.healthCheck.path,
    Matcher: { HttpCode: g.healthCheck.matcher },
    LoadBalancerArns: g.loadBalancerArns,
    TargetType: g.targetType,
    IpAddressType: 'ipv4',
  };
}

function targetsOf(input: Record<string, unknown>): { Id: string; Port: number | undefined }[] {
  const list = optObjects(input, 'Targets') ?? [];
  return list.map((t) => {
    if (typeof t.Id !== 'string') throw new AwsError('ValidationError', 'Target Id is required');
    return { Id: t.Id, Port: optNumber(t, 'Port') };
  });
}

export function elbv2Operations(world: Elbv2World): ServiceOperations {
  return {
    CreateTargetGroup(input) {
      world.sync();
      const name = reqString(input, 'Name');
      const matcher = optObject(input, 'Matcher');
      const healthCheck = {
        ...(optString(input, 'HealthCheckProtocol') !== undefined && {
          protocol: optString(input, 'HealthCheckProtocol') as string,
        }),
        ...(optString(input, 'HealthCheckPath') !== undefined && {
          path: optString(input, 'HealthCheckPath') as string,
        }),
        ...(optString(input, 'HealthCheckPort') !== undefined && {
          port: optString(input, 'HealthCheckPort') as string,
        }),
        ...(optNumber(input, 'HealthCheckIntervalSeconds') !== undefined && {
          intervalSeconds: optNumber(input, 'HealthCheckIntervalSeconds') as number,
        }),
        ...(optNumber(input, 'HealthCheckTimeoutSeconds') !== undefined && {
          timeoutSeconds: optNumber(input, 'HealthCheckTimeoutSeconds') as number,
        }),
        ...(optNumber(input, 'HealthyThresholdCount') !== undefined && {
          healthyThresholdCount: optNumber(input, 'HealthyThresholdCount') as number,
        }),
        ...(optNumber(input, 'UnhealthyThresholdCount') !== undefined && {
          unhealthyThresholdCount: optNumber(input, 'UnhealthyThresholdCount') as number,
        }),
        ...(matcher && typeof matcher.HttpCode === 'string' && { matcher: matcher.HttpCode }),
      };
      const targetType = optString(input, 'TargetType');
      const g = world.addGroup({
        name,
        healthCheck,
        ...(optNumber(input, 'Port') !== undefined && { port: optNumber(input, 'Port') as number }),
        ...(optString(input, 'Protocol') !== undefined && {
          protocol: optString(input, 'Protocol') as string,
        }),
        ...(optString(input, 'VpcId') !== undefined && { vpcId: optString(input, 'VpcId') as string }),
        ...(targetType !== undefined && { targetType: targetType as TargetGroup['targetType'] }),
      });
      return { TargetGroups: [describeGroup(g)] };
    },

    DescribeTargetGroups(input) {
      world.sync();
      const arns = optStrings(input, 'TargetGroupArns');
      const names = optStrings(input, 'Names');
      const lb = optString(input, 'LoadBalancerArn');
      let groups = [...world.groups.values()];
      if (arns) {
        groups = arns.map((a) => world.group(a));
      } else if (names) {
        groups = names.map((n) => {
          const g = groups.find((x) => x.name === n);
          if (!g) throw new AwsError('TargetGroupNotFound', `One or more target groups not found`);
          return g;
        });
      } else if (lb) {
        groups = groups.filter((g) => g.loadBalancerArns.includes(lb));
      }
      const { items, nextToken } = page(
        groups,
        optNumber(input, 'PageSize'),
        optString(input, 'Marker'),
        400,
      );
      return { TargetGroups: items.map(describeGroup), ...(nextToken && { NextMarker: nextToken }) };
    },

    DescribeTargetHealth(input) {
      const now = world.sync();
      const arn = reqString(input, 'TargetGroupArn');
      const g = world.group(arn);
      const asked = targetsOf(input);
      const list =
        asked.length > 0 ? asked : world.targets(arn, now).map((t) => ({ Id: t.id, Port: t.port }));
      return {
        TargetHealthDescriptions: list.map((t) => {
          const port = t.Port ?? g.port;
          return {
            Target: { Id: t.Id, Port: port },
            HealthCheckPort: g.healthCheck.port === 'traffic-port' ? String(port) : g.healthCheck.port,
            TargetHealth: world.health(arn, t.Id, port, now),
          };
        }),
      };
    },

    RegisterTargets(input) {
      const now = world.sync();
      const arn = reqString(input, 'TargetGroupArn');
      const g = world.group(arn);
      for (const t of targetsOf(input)) {
        world.register(arn, t.Id, t.Port, now);
        // Nothing answers health checks for hand-registered targets: they pass, as a healthy app would.
        world.schedule(arn, t.Id, t.Port ?? g.port, {
          at: now + g.healthCheck.intervalSeconds * 1000,
          State: 'healthy',
        });
      }
      return {};
    },

    DeregisterTargets(input) {
      const now = world.sync();
      const arn = reqString(input, 'TargetGroupArn');
      for (const t of targetsOf(input)) world.deregister(arn, t.Id, t.Port, now);
      return {};
    },

    DescribeTargetGroupAttributes(input) {
      world.sync();
      const g = world.group(reqString(input, 'TargetGroupArn'));
      return {
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: String(g.deregistrationDelaySeconds) },
          { Key: 'stickiness.enabled', Value: 'false' },
        ],
      };
    },

    ModifyTargetGroupAttributes(input) {
      world.sync();
      const g = world.group(reqString(input, 'TargetGroupArn'));
      for (const a of optObjects(input, 'Attributes') ?? []) {
        if (a.Key === 'deregistration_delay.timeout_seconds') g.deregistrationDelaySeconds = Number(a.Value);
      }
      return {
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: String(g.deregistrationDelaySeconds) },
        ],
      };
    },
  };
}
