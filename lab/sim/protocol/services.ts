/**
 * How each simulated service speaks on the wire. Values come from the installed
 * SDK clients (captured requests and their protocol settings), not from guesses:
 * CloudWatch is JSON 1.0 with `awsQueryCompatible`, so its errors also carry
 * the `x-amzn-query-error` header the SDK reads first.
 */
export type WireProtocol = 'json' | 'query' | 'rest-xml';

export interface ServiceWire {
  /** SigV4 signing name: the fourth field of the credential scope. */
  signingName: string;
  protocol: WireProtocol;
  /** JSON services: the `X-Amz-Target` prefix before the dot. */
  targetPrefix?: string;
  jsonVersion?: '1.0' | '1.1';
  queryCompatible?: boolean;
  /** Query services: the namespace their XML documents carry. */
  xmlns?: string;
  /**
   * Query services: element name of list members, keyed by the list's member name.
   * Lists not named here use `member` (ELBv2, STS and most of RDS's smaller lists).
   */
  listMembers?: Record<string, string>;
}

export const SERVICES: Record<string, ServiceWire> = {
  ecs: {
    signingName: 'ecs',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  },
  ecr: {
    signingName: 'ecr',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  },
  logs: { signingName: 'logs', protocol: 'json', jsonVersion: '1.1', targetPrefix: 'Logs_20140328' },
  secretsmanager: {
    signingName: 'secretsmanager',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'secretsmanager',
  },
  monitoring: {
    signingName: 'monitoring',
    protocol: 'json',
    jsonVersion: '1.0',
    targetPrefix: 'GraniteServiceVersion20100801',
    queryCompatible: true,
  },
  elasticloadbalancing: {
    signingName: 'elasticloadbalancing',
    protocol: 'query',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  },
  rds: {
    signingName: 'rds',
    protocol: 'query',
    xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
    // From the RDS model's xmlName traits (client-rds schemas): each list names its members.
    listMembers: {
      DBInstances: 'DBInstance',
      DBClusters: 'DBCluster',
      DBSnapshots: 'DBSnapshot',
      DBClusterSnapshots: 'DBClusterSnapshot',
      DBClusterMembers: 'DBClusterMember',
      VpcSecurityGroups: 'VpcSecurityGroupMembership',
      AvailabilityZones: 'AvailabilityZone',
      TagList: 'Tag',
      ReadReplicaDBInstanceIdentifiers: 'ReadReplicaDBInstanceIdentifier',
    },
  },
  sts: { signingName: 'sts', protocol: 'query', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  // The ground checks' services (docs/ground.md#the-lab).
  acm: { signingName: 'acm', protocol: 'json', jsonVersion: '1.1', targetPrefix: 'CertificateManager' },
  ssm: { signingName: 'ssm', protocol: 'json', jsonVersion: '1.1', targetPrefix: 'AmazonSSM' },
  iam: { signingName: 'iam', protocol: 'query', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/' },
  route53: {
    signingName: 'route53',
    protocol: 'rest-xml',
    xmlns: 'https://route53.amazonaws.com/doc/2013-04-01/',
    listMembers: {
      HostedZones: 'HostedZone',
      ResourceRecordSets: 'ResourceRecordSet',
      ResourceRecords: 'ResourceRecord',
    },
  },
};

/** Friendly names accepted by the lab's own APIs (faults, recorder filters). */
export const SERVICE_ALIASES: Record<string, string> = {
  cloudwatch: 'monitoring',
  elbv2: 'elasticloadbalancing',
  secrets: 'secretsmanager',
};

export function canonicalService(name: string): string {
  return SERVICE_ALIASES[name] ?? name;
}
