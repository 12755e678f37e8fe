/**
 * REST-XML requests (Route 53): the operation comes from the method and the path, the
 * input from the path's labels and the query string, as the SDK's AwsRestXmlProtocol
 * writes them (client-route-53's http bindings).
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByName.html
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html
 */
interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  /** Path label names, in the pattern's group order. */
  labels: string[];
  /** Query parameter → input member. */
  query: Record<string, string>;
}

const ROUTE53: Route[] = [
  {
    method: 'GET',
    pattern: /^\/2013-04-01\/hostedzonesbyname$/,
    operation: 'ListHostedZonesByName',
    labels: [],
    query: { dnsname: 'DNSName', hostedzoneid: 'HostedZoneId', maxitems: 'MaxItems' },
  },
  {
    method: 'GET',
    pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
    operation: 'ListResourceRecordSets',
    labels: ['HostedZoneId'],
    query: {
      name: 'StartRecordName',
      type: 'StartRecordType',
      identifier: 'StartRecordIdentifier',
      maxitems: 'MaxItems',
    },
  },
];

export const REST_ROUTES: Record<string, Route[]> = { route53: ROUTE53 };

/** The operation and input of a REST call, or undefined when no route matches. */
export function routeRest(
  routes: readonly Route[],
  method: string,
  pathWithQuery: string,
): { operation: string; input: Record<string, unknown> } | undefined {
  const url = new URL(pathWithQuery, 'http://lab');
  for (const r of routes) {
    const m = r.method === method ? r.pattern.exec(url.pathname) : null;
    if (!m) continue;
    const input: Record<string, unknown> = {};
    r.labels.forEach((label, i) => {
      input[label] = decodeURIComponent(m[i + 1] ?? '');
    });
    for (const [param, member] of Object.entries(r.query)) {
      const v = url.searchParams.get(param);
      if (v !== null) input[member] = v;
    }
    return { operation: r.operation, input };
  }
  return undefined;
}
