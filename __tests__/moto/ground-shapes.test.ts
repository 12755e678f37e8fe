/**
 * moto 5.2.1 judges the ground checks' request shapes (docs/ground.md): a world made with
 * moto's own APIs (an ALB with an HTTPS listener and an imported certificate, a Route 53
 * zone with an alias, a role, a secret, a parameter, a log group), then the ground checks'
 * every read against it. A read moto rejected would be a "not checked" warning: there is none.
 */
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { motoNetwork, SEED_ACCOUNT, SEED_REGION } from '../../lab/moto/seed';
import { checkGround } from '../../src/ground';
import { useMoto } from '../support/moto';
import { selfSigned } from '../support/self-signed';

describe('moto 5.2.1 and the ground checks', () => {
  const lab = useMoto();

  it('accepts every read, and the findings are what the world holds', async () => {
    const { moto, aws } = lab;
    const net = await motoNetwork(moto.url);
    const { cert, key } = selfSigned(['*.acme.example']);
    const certArn =
      (
        await aws.acm.send(
          new ImportCertificateCommand({ Certificate: Buffer.from(cert), PrivateKey: Buffer.from(key) }),
        )
      ).CertificateArn ?? '';
    const tg =
      (
        await aws.elbv2.send(
          new CreateTargetGroupCommand({
            Name: 'ground-web',
            Protocol: 'HTTP',
            Port: 8080,
            VpcId: net.vpcId,
            TargetType: 'ip',
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const lb = (
      await aws.elbv2.send(
        new CreateLoadBalancerCommand({ Name: 'ground-alb', Subnets: net.subnets, Type: 'application' }),
      )
    ).LoadBalancers?.[0];
    const listener = (
      await aws.elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Protocol: 'HTTPS',
          Port: 443,
          Certificates: [{ CertificateArn: certArn }],
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
        }),
      )
    ).Listeners?.[0];
    await aws.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listener?.ListenerArn,
        Priority: 5,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.acme.example'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: tg }],
      }),
    );
    const zone = (
      await aws.route53.send(new CreateHostedZoneCommand({ Name: 'acme.example', CallerReference: 'ground' }))
    ).HostedZone?.Id;
    await aws.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.acme.example',
                Type: 'A',
                AliasTarget: {
                  DNSName: `dualstack.${lb?.DNSName}`,
                  HostedZoneId: lb?.CanonicalHostedZoneId ?? 'Z1',
                  EvaluateTargetHealth: false,
                },
              },
            },
          ],
        },
      }),
    );
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    };
    const role = (
      await aws.iam.send(
        new CreateRoleCommand({ RoleName: 'ground-exec', AssumeRolePolicyDocument: JSON.stringify(trust) }),
      )
    ).Role?.Arn;
    const secret = (
      await aws.secrets.send(new CreateSecretCommand({ Name: 'ground/key', SecretString: 'x' }))
    ).ARN;
    await aws.ssm.send(new PutParameterCommand({ Name: '/ground/flag', Value: 'x', Type: 'String' }));
    await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/ground' }));

    const now = Date.now();
    const result = await checkGround(aws, {
      command: 'check',
      mode: 'enforce',
      account: SEED_ACCOUNT,
      region: SEED_REGION,
      services: [
        {
          serviceName: 'ground',
          loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 8080 }],
        },
      ],
      tasks: [
        {
          service: 'ground',
          loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 8080 }],
          taskDefinition: {
            family: 'ground',
            revision: 1,
            executionRoleArn: role,
            containerDefinitions: [
              {
                name: 'web',
                portMappings: [{ containerPort: 8080 }],
                secrets: [
                  { name: 'KEY', valueFrom: `${secret}:k::` },
                  { name: 'FLAG', valueFrom: '/ground/flag' },
                  { name: 'GONE', valueFrom: '/ground/gone' },
                ],
                logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/ground' } },
              },
            ],
          },
        },
      ],
      declaredHosts: ['www.acme.example'],
      minDays: 30,
      now,
      runEnd: now + 3600_000,
    });
    const lines = result.findings.map((f) => `${f.severity} ${f.kind}: ${f.what}`);
    expect(lines.filter((l) => l.includes('not-checked'))).toEqual([]);
    expect(lines.sort()).toEqual(
      [
        `error imported: certificate ${certArn} (*.acme.example) expires on ${new Date(now + 10 * 86_400_000).toISOString().slice(0, 10)} (in 9 days, under certificate-min-days 30); it is imported: nobody renews it but its owner`,
        'error task: SSM parameter /ground/gone does not exist',
        // The rule's host has no record in the zone: a true finding.
        'warning dns: host api.acme.example has no A, AAAA or CNAME record',
      ].sort(),
    );
  }, 60_000);
});
