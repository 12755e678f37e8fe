/**
 * What ecs-release and its ground checks need of the infrastructure, checked on a resolved
 * template (cfn.ts): each problem is a line naming the resource and what is wrong. The
 * judgements are the ground checks' own (src/ground/): role trust, certificate coverage.
 */
import { certificateCovers } from '../../src/ground/hosts';
import { trustsEcsTasks } from '../../src/ground/tasks';
import { type Props, type Resource, refId, type Template } from './cfn';

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

function resource(t: Template, token: unknown, type: string): [string, Props] | undefined {
  const id = refId(token);
  const r: Resource | undefined = id === undefined ? undefined : t.Resources[id];
  return id !== undefined && r?.Type === type ? [id, r.Properties] : undefined;
}

function trusts(role: Props, service: string): boolean {
  const encoded = encodeURIComponent(JSON.stringify(role.AssumeRolePolicyDocument));
  if (service === 'ecs-tasks.amazonaws.com') return trustsEcsTasks(encoded);
  return list(role.AssumeRolePolicyDocument?.Statement).some((s) =>
    list((s as Props).Principal?.Service).includes(service),
  );
}

/** The target groups a listener rule forwards to (plain or weighted). */
function forwardedGroups(rule: Props): string[] {
  return list(rule.Actions).flatMap((a) => {
    const action = a as Props;
    if (action.Type !== 'forward') return [];
    const weighted = list(action.ForwardConfig?.TargetGroups).map((g) => refId((g as Props).TargetGroupArn));
    return [refId(action.TargetGroupArn), ...weighted].filter((id): id is string => id !== undefined);
  });
}

const ruleHosts = (rule: Props): string[] =>
  list(rule.Conditions).flatMap((c) =>
    (c as Props).Field === 'host-header' ? list((c as Props).HostHeaderConfig?.Values).map(String) : [],
  );

/** Roles, log groups, secrets and images of one task definition. */
function taskProblems(t: Template, id: string, td: Props): string[] {
  const out: string[] = [];
  for (const key of ['ExecutionRoleArn', 'TaskRoleArn']) {
    const role = resource(t, td[key], 'AWS::IAM::Role');
    if (!role) out.push(`${id}: ${key} ${td[key]} is no role of the template`);
    else if (!trusts(role[1], 'ecs-tasks.amazonaws.com'))
      out.push(`${id}: ${key} ${role[0]} does not trust ecs-tasks.amazonaws.com`);
  }
  const execution = resource(t, td.ExecutionRoleArn, 'AWS::IAM::Role')?.[1];
  const readable = list(execution?.Policies).flatMap((p) =>
    list((p as Props).PolicyDocument?.Statement).flatMap((s) => list((s as Props).Resource)),
  );
  for (const c of list(td.ContainerDefinitions) as Props[]) {
    const where = `${id} container ${c.Name}`;
    const log = c.LogConfiguration as Props | undefined;
    if (log?.LogDriver !== 'awslogs') out.push(`${where}: no awslogs log configuration`);
    else {
      if (!resource(t, log.Options?.['awslogs-group'], 'AWS::Logs::LogGroup'))
        out.push(`${where}: awslogs-group ${log.Options?.['awslogs-group']} is no log group of the template`);
      if (!log.Options?.['awslogs-region'] || !log.Options?.['awslogs-stream-prefix'])
        out.push(`${where}: awslogs needs awslogs-region and awslogs-stream-prefix`);
    }
    for (const s of list(c.Secrets) as Props[]) {
      const secret = String(s.ValueFrom).split(':')[0];
      if (!resource(t, secret, 'AWS::RDS::DBInstance'))
        out.push(`${where}: secret ${s.Name} comes from ${secret}, no database of the template`);
      if (!readable.includes(secret)) out.push(`${where}: the execution role cannot read ${secret}`);
    }
    const repo = resource(t, String(c.Image).split(':')[0], 'AWS::ECR::Repository');
    if (!repo) out.push(`${where}: image ${c.Image} is from no repository of the template`);
  }
  return out;
}

/** A service's load balancer entries: container and port, target groups, the rule, blue/green plumbing. */
function loadBalancerProblems(t: Template, id: string, service: Props, td: Props): string[] {
  const out: string[] = [];
  const rules = ofType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule');
  for (const lb of list(service.LoadBalancers) as Props[]) {
    const container = (list(td.ContainerDefinitions) as Props[]).find((c) => c.Name === lb.ContainerName);
    const ports = list(container?.PortMappings).map((p) => String((p as Props).ContainerPort));
    if (!ports.includes(String(lb.ContainerPort)))
      out.push(
        `${id}: no container ${lb.ContainerName} with port ${lb.ContainerPort} in its task definition`,
      );
    const advanced = lb.AdvancedConfiguration as Props | undefined;
    const groups = [lb.TargetGroupArn, ...(advanced ? [advanced.AlternateTargetGroupArn] : [])];
    for (const g of groups) {
      const tg = resource(t, g, 'AWS::ElasticLoadBalancingV2::TargetGroup');
      if (!tg) out.push(`${id}: target group ${g} is not in the template`);
      else if (tg[1].TargetType !== 'ip' || String(tg[1].Port) !== String(lb.ContainerPort))
        out.push(`${id}: target group ${tg[0]} must be type ip on port ${lb.ContainerPort}`);
      else if (!rules.some(([, r]) => forwardedGroups(r.Properties).includes(tg[0])))
        out.push(`${id}: no listener rule forwards to ${tg[0]}`);
    }
    if (service.DeploymentConfiguration?.Strategy === 'BLUE_GREEN') {
      const rule = resource(t, advanced?.ProductionListenerRule, 'AWS::ElasticLoadBalancingV2::ListenerRule');
      const both = groups.map(refId);
      if (!rule || !both.every((g) => g && forwardedGroups(rule[1]).includes(g)))
        out.push(`${id}: BLUE_GREEN needs a production listener rule forwarding to both target groups`);
      const role = resource(t, advanced?.RoleArn, 'AWS::IAM::Role');
      if (!role || !trusts(role[1], 'ecs.amazonaws.com'))
        out.push(`${id}: BLUE_GREEN needs an infrastructure role trusted by ecs.amazonaws.com`);
    }
  }
  return out;
}

function serviceProblems(t: Template): string[] {
  return ofType(t, 'AWS::ECS::Service').flatMap(([id, r]) => {
    const s = r.Properties;
    const td = resource(t, s.TaskDefinition, 'AWS::ECS::TaskDefinition');
    if (!td) return [`${id}: task definition ${s.TaskDefinition} is not in the template`];
    const breaker = s.DeploymentConfiguration?.DeploymentCircuitBreaker;
    const rolling = s.DeploymentConfiguration?.Strategy !== 'BLUE_GREEN';
    return [
      ...taskProblems(t, td[0], td[1]),
      ...loadBalancerProblems(t, id, s, td[1]),
      ...(rolling && !(breaker?.Enable && breaker?.Rollback)
        ? [`${id}: rolling without the circuit breaker`]
        : []),
    ];
  });
}

/** HTTPS listeners: their certificate covers every rule host, is DNS-validated in the zone, and DNS points here. */
function frontProblems(t: Template, domain: string): string[] {
  const out: string[] = [];
  const records = ofType(t, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
  for (const [id, l] of ofType(t, 'AWS::ElasticLoadBalancingV2::Listener')) {
    const listener = l.Properties;
    if (listener.Protocol === 'HTTP') {
      const redirect = (list(listener.DefaultActions) as Props[]).find((a) => a.Type === 'redirect');
      if (redirect?.RedirectConfig?.Protocol !== 'HTTPS') out.push(`${id}: HTTP does not redirect to HTTPS`);
      continue;
    }
    const cert = resource(
      t,
      (list(listener.Certificates)[0] as Props)?.CertificateArn,
      'AWS::CertificateManager::Certificate',
    );
    if (!cert) {
      out.push(`${id}: no ACM certificate of the template`);
      continue;
    }
    const names = [cert[1].DomainName, ...list(cert[1].SubjectAlternativeNames)].map(String);
    const hosts = ofType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule')
      .filter(([, r]) => refId(r.Properties.ListenerArn) === id)
      .flatMap(([, r]) => ruleHosts(r.Properties));
    for (const host of [domain, `any-later.${domain}`, ...hosts])
      if (!certificateCovers(names, host))
        out.push(`${id}: certificate ${cert[0]} (${names.join(', ')}) does not cover ${host}`);
    if (
      cert[1].ValidationMethod !== 'DNS' ||
      !list(cert[1].DomainValidationOptions).every((o) => (o as Props).HostedZoneId)
    )
      out.push(`${cert[0]}: not DNS-validated in the hosted zone (ACM could not renew it)`);
    const dns = `<GetAtt ${refId(listener.LoadBalancerArn)}.DNSName>`;
    for (const host of hosts)
      if (!records.some((r) => r.Name === host && r.AliasTarget?.DNSName === dns))
        out.push(`${id}: no Route 53 alias for ${host} to the load balancer`);
  }
  return out;
}

/** The gate's alarms name the load balancer and every service target group; repositories are immutable. */
function alarmAndImageProblems(t: Template, prefix: string): string[] {
  const out: string[] = [];
  const named = new Map<string, Set<string>>();
  for (const [id, a] of ofType(t, 'AWS::CloudWatch::Alarm')) {
    const alarm = a.Properties;
    if (!String(alarm.AlarmName).startsWith(prefix))
      out.push(`${id}: ${alarm.AlarmName} lacks the prefix ${prefix}`);
    const metrics = [
      alarm,
      ...list(alarm.Metrics)
        .map((m) => (m as Props).MetricStat?.Metric)
        .filter(Boolean),
    ] as Props[];
    for (const m of metrics.filter((x) => x.MetricName)) {
      const dims = list(m.Dimensions) as Props[];
      const lb = dims.find((d) => d.Name === 'LoadBalancer')?.Value;
      if (
        !String(lb).endsWith('.LoadBalancerFullName>') ||
        !resource(t, lb, 'AWS::ElasticLoadBalancingV2::LoadBalancer')
      )
        out.push(`${id}: ${m.MetricName} does not name the template's load balancer`);
      const tg = dims.find((d) => d.Name === 'TargetGroup')?.Value;
      if (tg !== undefined) {
        const group = resource(t, tg, 'AWS::ElasticLoadBalancingV2::TargetGroup');
        if (!group || !String(tg).endsWith('.TargetGroupFullName>'))
          out.push(`${id}: ${tg} names no target group`);
        else named.set(group[0], new Set([...(named.get(group[0]) ?? []), m.MetricName]));
      }
    }
  }
  const all = ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
  if (!all.includes('HTTPCode_ELB_5XX_Count')) out.push("no alarm on the load balancer's own 5xx");
  const wanted = ['HTTPCode_Target_5XX_Count', 'TargetResponseTime', 'UnHealthyHostCount'];
  for (const [id] of ofType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup'))
    for (const metric of wanted.filter((w) => !named.get(id)?.has(w)))
      out.push(`${id}: no alarm on its ${metric}`);
  for (const [id, r] of ofType(t, 'AWS::ECR::Repository'))
    if (r.Properties.ImageTagMutability !== 'IMMUTABLE') out.push(`${id}: tags are not immutable`);
  return out;
}

/** Every problem of a resolved app template (empty: ecs-release and its ground checks find what they need). */
export function wiringProblems(t: Template, domain: string, prefix: string): string[] {
  return [...serviceProblems(t), ...frontProblems(t, domain), ...alarmAndImageProblems(t, prefix)];
}

/** IAM's resource match: `*` any run of characters, `?` one. */
export function iamMatches(pattern: string, arn: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(arn);
}

/** The ARNs of what ecs-release touches in the app stack, as IAM sees them. */
function touched(app: Template): { sid: string; arn: string }[] {
  const arn = (service: string, resource: string, regional = true) =>
    `arn:aws:${service}:${regional ? 'eu-west-1' : ''}:111122223333:${resource}`;
  const cluster = ofType(app, 'AWS::ECS::Cluster')[0]?.[1].Properties.ClusterName;
  const out = [{ sid: 'ClaimEnvironment', arn: arn('ecs', `cluster/${cluster}`) }];
  for (const [, s] of ofType(app, 'AWS::ECS::Service'))
    out.push({ sid: 'RollServices', arn: arn('ecs', `service/${cluster}/${s.Properties.ServiceName}`) });
  for (const [, r] of ofType(app, 'AWS::ECR::Repository'))
    out.push({ sid: 'EcrImages', arn: arn('ecr', `repository/${r.Properties.RepositoryName}`) });
  for (const [, r] of ofType(app, 'AWS::IAM::Role').filter(([, r]) =>
    trusts(r.Properties, 'ecs-tasks.amazonaws.com'),
  ))
    out.push({ sid: 'PassTaskRoles', arn: arn('iam', `role/${r.Properties.RoleName}`, false) });
  for (const [, g] of ofType(app, 'AWS::Logs::LogGroup'))
    out.push({
      sid: 'TaskLogs',
      arn: arn('logs', `log-group:${g.Properties.LogGroupName}:log-stream:web/web/abc`),
    });
  for (const [, d] of ofType(app, 'AWS::RDS::DBInstance'))
    out.push({ sid: 'SnapshotDatabase', arn: arn('rds', `db:${d.Properties.DBInstanceIdentifier}`) });
  return out;
}

/** The release role (release-role.yaml, resolved) may touch what the app stack made, and only GitHub's environment may assume it. */
export function releaseRoleProblems(role: Template, app: Template, sub: string): string[] {
  const out: string[] = [];
  const props = role.Resources.ReleaseRole?.Properties ?? {};
  const statements = list(props.Policies?.[0]?.PolicyDocument?.Statement) as Props[];
  for (const { sid, arn } of touched(app)) {
    const s = statements.find((x) => x.Sid === sid);
    if (!list(s?.Resource).some((r) => iamMatches(String(r), arn)))
      out.push(`ReleaseRole: ${sid} does not cover ${arn}`);
  }
  const trust = list(props.AssumeRolePolicyDocument?.Statement)[0] as Props | undefined;
  const equals = trust?.Condition?.StringEquals ?? {};
  if (trust?.Action !== 'sts:AssumeRoleWithWebIdentity')
    out.push('ReleaseRole: not assumed with a web identity');
  if (equals['token.actions.githubusercontent.com:aud'] !== 'sts.amazonaws.com')
    out.push('ReleaseRole: aud is not sts.amazonaws.com');
  if (equals['token.actions.githubusercontent.com:sub'] !== sub)
    out.push(`ReleaseRole: sub is not exactly ${sub}`);
  if (Object.keys(trust?.Condition ?? {}).some((k) => k !== 'StringEquals'))
    out.push('ReleaseRole: a trust condition other than StringEquals');
  if (Number(props.MaxSessionDuration) < 7200)
    out.push('ReleaseRole: sessions shorter than the 2 hours the workflow asks for');
  return out;
}
