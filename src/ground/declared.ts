import { httpsHost, normalHost } from './hosts';

/** The hosts the person declared: `hosts`, and the hosts of the https smoke URLs. */
export function declaredHosts(
  hosts: readonly string[],
  smokeUrls: readonly (string | undefined)[],
): string[] {
  const out = new Set(hosts.map(normalHost).filter(Boolean));
  for (const url of smokeUrls) {
    const host = httpsHost(url);
    if (host) out.add(host);
  }
  return [...out];
}
