/**
 * Secrets the run has seen. On a runner, `::add-mask::` makes the runner hide
 * them; outside one (the CLI, another CI) that command would print the secret
 * itself, so there we only redact. Redacting our own output is done in both
 * cases: a second line of defence costs nothing.
 */
export class Secrets {
  private readonly values = new Set<string>();

  add(secret: string): boolean {
    if (!secret || this.values.has(secret)) return false;
    this.values.add(secret);
    return true;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const secret of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(secret).join('***');
    return out;
  }
}
