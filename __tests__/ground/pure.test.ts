import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CertificateInfo, judgeCertificate } from '../../src/ground/certificates';
import { judgeRecord, recordName, zoneFor } from '../../src/ground/dns';
import { certificateCovers, hostShape, httpsHost, nameCovers, releaseHosts } from '../../src/ground/hosts';
import { severityOf } from '../../src/ground/severity';
import {
  isForeign,
  missingLoadBalancerTargets,
  parseValueFrom,
  taskNeeds,
  trustsEcsTasks,
} from '../../src/ground/tasks';
import type { RawFinding } from '../../src/ground/types';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-06T09:00:00Z');
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);

describe('host coverage', () => {
  it('a one-label wildcard covers exactly one label, never the apex nor two labels', () => {
    fc.assert(
      fc.property(label, label, label, (a, b, zone) => {
        const domain = `${zone}.example`;
        expect(nameCovers(`*.${domain}`, `${a}.${domain}`)).toBe(true);
        expect(nameCovers(`*.${domain}`, domain)).toBe(false);
        expect(nameCovers(`*.${domain}`, `${a}.${b}.${domain}`)).toBe(false);
      }),
    );
  });

  it('compares without case and trailing dot', () => {
    fc.assert(
      fc.property(label, label, (a, zone) => {
        const host = `${a}.${zone}.example`;
        expect(nameCovers(`${host.toUpperCase()}.`, host)).toBe(true);
        expect(nameCovers(`*.${zone.toUpperCase()}.EXAMPLE.`, `${host}.`)).toBe(true);
      }),
    );
  });

  it('a *.x rule pattern needs the certificate for *.x; other patterns are not checkable', () => {
    expect(hostShape('*.acme.example')).toBe('wildcard');
    expect(hostShape('www.acme.example')).toBe('name');
    expect(hostShape('api-?.acme.example')).toBe('pattern');
    expect(hostShape('*.*.acme.example')).toBe('pattern');
    expect(certificateCovers(['*.acme.example'], '*.acme.example')).toBe(true);
    expect(certificateCovers(['www.acme.example'], '*.acme.example')).toBe(false);
    expect(certificateCovers(['*.example'], '*.acme.example')).toBe(false);
  });

  it('declared hosts: https smoke hosts and `hosts`, never addresses; a rule host also declared counts as declared', () => {
    expect(httpsHost('https://App.Acme.Example./healthz')).toBe('app.acme.example');
    expect(httpsHost('http://app.acme.example/')).toBeUndefined();
    expect(httpsHost('https://127.0.0.1:8443/')).toBeUndefined();
    expect(releaseHosts(['www.acme.example', '127.0.0.1'], ['www.acme.example', 'api.acme.example'])).toEqual(
      [
        { host: 'www.acme.example', source: 'declared' },
        { host: 'api.acme.example', source: 'rule' },
      ],
    );
  });
});

function cert(over: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    arn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
    names: ['acme.example', '*.acme.example'],
    status: 'ISSUED',
    type: 'AMAZON_ISSUED',
    notBefore: NOW - 100 * DAY,
    notAfter: NOW + 98 * DAY,
    renewalEligibility: 'ELIGIBLE',
    inUse: true,
    validations: [],
    ...over,
  };
}

const judging = {
  command: 'deploy' as const,
  now: NOW,
  runEnd: NOW + 2 * 3600_000,
  minDays: 30,
  where: 'HTTPS listener :443',
  validationRecord: () => 'present' as const,
};

describe('certificates', () => {
  it('a healthy ACM certificate has nothing to say', () => {
    expect(judgeCertificate(cert(), judging)).toEqual([]);
  });

  it('not ISSUED, or expiring before the run ends, is an expiry finding; check looks 7 days ahead', () => {
    expect(judgeCertificate(cert({ status: 'EXPIRED' }), judging)[0]?.what).toContain(
      'is EXPIRED, not ISSUED',
    );
    const soon = cert({ notAfter: NOW + 3600_000 });
    expect(judgeCertificate(soon, judging)[0]).toMatchObject({ kind: 'expiry' });
    const inFiveDays = cert({ type: 'IMPORTED', notAfter: NOW + 5 * DAY });
    expect(judgeCertificate(inFiveDays, judging).map((f) => f.kind)).toEqual(['imported']);
    expect(judgeCertificate(inFiveDays, { ...judging, command: 'check' }).map((f) => f.kind)).toEqual([
      'expiry',
    ]);
  });

  it('an imported or IAM certificate under certificate-min-days is dated and says nobody renews it', () => {
    const [f] = judgeCertificate(cert({ type: 'IMPORTED', notAfter: NOW + 10 * DAY }), judging);
    expect(f?.kind).toBe('imported');
    expect(f?.what).toContain('expires on 2026-12-16 (in 10 days');
    expect(f?.what).toContain('imported');
    expect(judgeCertificate(cert({ type: 'IAM', notAfter: NOW + 40 * DAY }), judging)).toEqual([]);
  });

  it('an ACM certificate is judged by the share of its lifetime left and its renewal, not by days', () => {
    // 47-day lifetime, 10 days left: under a third, but renewal is under way.
    const short = { notBefore: NOW - 37 * DAY, notAfter: NOW + 10 * DAY };
    expect(judgeCertificate(cert({ ...short, renewalStatus: 'PENDING_AUTO_RENEWAL' }), judging)).toEqual([]);
    expect(judgeCertificate(cert(short), judging).map((f) => f.kind)).toEqual(['renewal']);
    // 20 days left of 47 is more than a third: nothing.
    expect(judgeCertificate(cert({ notBefore: NOW - 27 * DAY, notAfter: NOW + 20 * DAY }), judging)).toEqual(
      [],
    );
  });

  it('a renewal that cannot succeed: ineligible in use, pending validation, failed, a missing CNAME', () => {
    expect(judgeCertificate(cert({ renewalEligibility: 'INELIGIBLE' }), judging)[0]?.what).toContain(
      'INELIGIBLE',
    );
    const failed = judgeCertificate(cert({ renewalStatus: 'FAILED', renewalReason: 'CAA_ERROR' }), judging);
    expect(failed[0]?.what).toContain('FAILED (CAA_ERROR)');
    const record = { name: '_x.acme.example.', value: '_y.acm-validations.aws.' };
    const dns = cert({ validations: [{ domain: 'acme.example', method: 'DNS', record }] });
    expect(judgeCertificate(dns, judging)).toEqual([]);
    const missing = judgeCertificate(dns, { ...judging, validationRecord: () => 'missing' });
    expect(missing[0]?.what).toContain('_x.acme.example. CNAME _y.acm-validations.aws.');
    const email = cert({
      renewalStatus: 'PENDING_VALIDATION',
      validations: [{ domain: 'acme.example', method: 'EMAIL' }],
    });
    const found = judgeCertificate(email, judging);
    expect(found.map((f) => f.kind)).toEqual(['renewal', 'note']);
    expect(found[0]?.fix).toContain('approve the validation e-mail');
  });
});

describe('dns', () => {
  const zones = [
    { id: 'Z1', name: 'example.' },
    { id: 'Z2', name: 'acme.example.' },
  ];
  it('the longest matching zone; none for a foreign domain', () => {
    expect(zoneFor('www.acme.example', zones)?.id).toBe('Z2');
    expect(zoneFor('acme.example.', zones)?.id).toBe('Z2');
    expect(zoneFor('www.other.example', zones)?.id).toBe('Z1');
    expect(zoneFor('www.elsewhere.test', zones)).toBeUndefined();
    expect(zoneFor('notacme.example', zones)?.id).toBe('Z1');
  });

  const zone = { id: 'Z2', name: 'acme.example' };
  const lb = 'demo-alb-1.eu-west-1.elb.amazonaws.com';
  it('an alias or CNAME to the load balancer passes, ignoring dualstack., case and the trailing dot', () => {
    for (const target of [`dualstack.${lb.toUpperCase()}.`, lb]) {
      const records = [{ name: 'www.acme.example.', type: 'A', alias: true, target }];
      expect(judgeRecord({ host: 'www.acme.example', zone, records, loadBalancers: [lb] })).toEqual([]);
    }
    const star = [{ name: '\\052.acme.example.', type: 'CNAME', alias: false, target: lb }];
    expect(recordName('\\052.acme.example.')).toBe('*.acme.example');
    expect(judgeRecord({ host: '*.acme.example', zone, records: star, loadBalancers: [lb] })).toEqual([]);
  });

  it('a record elsewhere names both; none at all says so; CloudFront is a note', () => {
    const other = [
      { name: 'www.acme.example.', type: 'A', alias: true, target: 'old-alb.elb.amazonaws.com.' },
    ];
    const [f] = judgeRecord({ host: 'www.acme.example', zone, records: other, loadBalancers: [lb] });
    expect(f?.kind).toBe('dns');
    expect(f?.what).toContain('old-alb.elb.amazonaws.com');
    expect(f?.what).toContain(lb);
    expect(
      judgeRecord({ host: 'www.acme.example', zone, records: [], loadBalancers: [lb] })[0]?.what,
    ).toContain('no A, AAAA or CNAME');
    const cf = [{ name: 'www.acme.example.', type: 'A', alias: true, target: 'd1.cloudfront.net.' }];
    expect(judgeRecord({ host: 'www.acme.example', zone, records: cf, loadBalancers: [lb] })[0]?.kind).toBe(
      'note',
    );
  });
});

describe('tasks', () => {
  const policy = (principal: unknown) =>
    encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
      }),
    );
  it('a trust policy (URL-encoded) trusts ecs-tasks as a string or in a list', () => {
    expect(trustsEcsTasks(policy({ Service: 'ecs-tasks.amazonaws.com' }))).toBe(true);
    expect(trustsEcsTasks(policy({ Service: ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] }))).toBe(
      true,
    );
    expect(trustsEcsTasks(policy({ Service: 'ec2.amazonaws.com' }))).toBe(false);
    expect(trustsEcsTasks(policy({ AWS: 'arn:aws:iam::1:root' }))).toBe(false);
    expect(trustsEcsTasks(undefined)).toBe(false);
  });

  it('valueFrom forms: secret ARN with or without a JSON key, partial ARN, SSM ARN or name', () => {
    const base = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/db-AbCdEf';
    expect(parseValueFrom(base)).toMatchObject({ store: 'secretsmanager', id: base });
    expect(parseValueFrom(`${base}:password::`)).toMatchObject({ store: 'secretsmanager', id: base });
    expect(parseValueFrom('arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/db')).toMatchObject({
      id: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/db',
    });
    expect(parseValueFrom('arn:aws:ssm:eu-west-1:111122223333:parameter/demo/key')).toMatchObject({
      store: 'ssm',
      name: '/demo/key',
    });
    expect(parseValueFrom('arn:aws:ssm:eu-west-1:111122223333:parameter/key')).toMatchObject({ name: 'key' });
    expect(parseValueFrom('/demo/key')).toEqual({ store: 'ssm', name: '/demo/key' });
    const foreign = parseValueFrom('arn:aws:secretsmanager:eu-west-1:999999999999:secret:x');
    expect(isForeign(foreign as { account: string }, '111122223333', 'eu-west-1')).toBe(true);
  });

  it('the JSON-key suffix never changes the secret id (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9/_+=.@-]{1,20}$/),
        fc.stringMatching(/^[a-z0-9_]{0,8}$/),
        (name, key) => {
          const id = `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}`;
          expect(parseValueFrom(`${id}:${key}:AWSCURRENT:`)).toMatchObject({ id });
        },
      ),
    );
  });

  it('awslogs groups unless the task creates them; loadBalancers[] container and port', () => {
    const td = {
      executionRoleArn: 'arn:aws:iam::1:role/exec',
      containerDefinitions: [
        {
          name: 'web',
          portMappings: [{ containerPort: 8080 }],
          logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/demo/web' } },
          secrets: [{ name: 'DB', valueFrom: '/demo/db' }],
        },
        {
          name: 'side',
          logConfiguration: {
            logDriver: 'awslogs' as const,
            options: { 'awslogs-group': '/demo/side', 'awslogs-create-group': 'true' },
          },
        },
      ],
    };
    const needs = taskNeeds(td);
    expect(needs.logGroups).toEqual([{ container: 'web', group: '/demo/web' }]);
    expect(needs.roles).toEqual([{ field: 'executionRoleArn', arn: 'arn:aws:iam::1:role/exec' }]);
    expect(needs.secrets).toEqual([{ container: 'web', valueFrom: '/demo/db', field: 'secret DB' }]);
    expect(missingLoadBalancerTargets(td, [{ containerName: 'web', containerPort: 8080 }])).toEqual([]);
    expect(missingLoadBalancerTargets(td, [{ containerName: 'web', containerPort: 80 }])[0]?.problem).toBe(
      'container web maps no port 80',
    );
    expect(
      missingLoadBalancerTargets(td, [{ containerName: 'api', containerPort: 80 }])[0]?.problem,
    ).toContain('has no container api (it has web, side)');
  });
});

describe('severity', () => {
  const f = (kind: RawFinding['kind'], source?: 'declared' | 'rule'): RawFinding => ({
    kind,
    ...(source ? { source } : {}),
    what: '',
    where: '',
    fix: '',
  });
  it('declared hosts refuse a deploy, rule hosts warn, check errs on both', () => {
    expect(severityOf(f('coverage', 'declared'), 'deploy', 'enforce')).toBe('error');
    expect(severityOf(f('coverage', 'rule'), 'plan', 'enforce')).toBe('warning');
    expect(severityOf(f('coverage', 'rule'), 'check', 'enforce')).toBe('error');
    expect(severityOf(f('imported', 'declared'), 'plan', 'enforce')).toBe('warning');
    expect(severityOf(f('imported', 'rule'), 'check', 'enforce')).toBe('error');
    expect(severityOf(f('dns', 'declared'), 'check', 'enforce')).toBe('warning');
  });
  it('a rollback is refused only for task findings; ground: warn refuses nothing but check', () => {
    expect(severityOf(f('coverage', 'declared'), 'rollback', 'enforce')).toBe('warning');
    expect(severityOf(f('task'), 'rollback', 'enforce')).toBe('error');
    expect(severityOf(f('task'), 'deploy', 'warn')).toBe('warning');
    expect(severityOf(f('task'), 'check', 'warn')).toBe('error');
    expect(severityOf(f('not-checked'), 'check', 'enforce')).toBe('warning');
    expect(severityOf(f('note'), 'deploy', 'enforce')).toBe('note');
  });
  it('never an error for a permission it lacks, whatever the command and mode (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('deploy', 'plan', 'rollback', 'check' as const),
        fc.constantFrom('enforce', 'warn' as const),
        (command, mode) => {
          expect(severityOf(f('not-checked'), command, mode)).not.toBe('error');
        },
      ),
    );
  });
});
