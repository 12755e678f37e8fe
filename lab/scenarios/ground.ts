/**
 * The ground around the demo (docs/ground.md): an internet-facing ALB in front of both
 * services with an HTTPS listener (default and SNI certificates) and a port-80 redirect,
 * the public zone `acme.example` with alias records to the ALB and the certificates'
 * DNS validation CNAMEs. Tests then break one thing each (a record, a certificate, a
 * role) and look at what the ground checks say.
 */
import type { LabCertificate } from '../sim/acm/index.js';
import { REDIRECT_TO_HTTPS } from '../sim/elbv2/index.js';
import type { Lab } from '../sim/lab';
import { DEMO } from './demo';

export const GROUND = {
  zone: 'acme.example',
  loadBalancer: 'demo-alb',
  /** The web app (default action) and the API (host rule). */
  web: 'www.acme.example',
  api: 'api.acme.example',
} as const;

export interface GroundWorld {
  loadBalancerArn: string;
  dnsName: string;
  httpsListenerArn: string;
  httpListenerArn: string;
  zoneId: string;
  /** The default certificate: `*.acme.example`, DNS-validated, ACM-issued. */
  wildcard: LabCertificate;
  apiRuleArn: string;
}

export interface GroundOptions {
  /** Certificates beside the wildcard (SNI). */
  sni?: LabCertificate[];
  /** Default true: the validation CNAMEs of every certificate are in the zone. */
  validationRecords?: boolean;
}

/** Seeds the ALB, its listeners and certificates, and the zone, on top of seedDemo's world. */
export function seedGround(lab: Lab, options: GroundOptions = {}): GroundWorld {
  const tg = (name: string) => [...lab.elbv2.groups.values()].find((g) => g.name === name)?.arn ?? '';
  const webTg = tg(DEMO.web.targetGroup);
  const apiTg = tg(DEMO.api.targetGroup);
  const wildcard = lab.acm.add({ domain: `*.${GROUND.zone}`, inUseBy: ['demo-alb'] });
  const sni = options.sni ?? [];
  const https = lab.elbv2.rules.createListener({
    loadBalancer: GROUND.loadBalancer,
    protocol: 'HTTPS',
    targetGroupArn: webTg,
    certificates: [wildcard.arn, ...sni.map((c) => c.arn)],
  });
  const apiRule = lab.elbv2.rules.createRule({
    listenerArn: https.arn,
    priority: 10,
    hosts: [GROUND.api],
    forward: [{ arn: apiTg, weight: 1 }],
  });
  const http = lab.elbv2.rules.createListener({
    loadBalancer: GROUND.loadBalancer,
    protocol: 'HTTP',
    defaultActions: [REDIRECT_TO_HTTPS],
  });
  const lb = lab.elbv2.rules.loadBalancer(GROUND.loadBalancer);
  const zone = lab.route53.addZone(GROUND.zone);
  lab.route53.aliasToLoadBalancer(zone.id, GROUND.web, lb.dnsName, true);
  lab.route53.aliasToLoadBalancer(zone.id, GROUND.api, lb.dnsName);
  if (options.validationRecords ?? true) {
    for (const c of [wildcard, ...sni]) putValidationRecords(lab, zone.id, c);
  }
  return {
    loadBalancerArn: lb.arn,
    dnsName: lb.dnsName,
    httpsListenerArn: https.arn,
    httpListenerArn: http.arn,
    zoneId: zone.id,
    wildcard,
    apiRuleArn: apiRule.arn,
  };
}

/** The CNAMEs ACM validates (and renews) a DNS-validated certificate with. */
export function putValidationRecords(lab: Lab, zoneId: string, cert: LabCertificate): void {
  for (const r of lab.acm.validationRecords(cert.arn)) {
    lab.route53.putRecord(zoneId, { name: r.name, type: 'CNAME', values: [r.value] });
  }
}
