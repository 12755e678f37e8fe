/** A registry's refusal as the log shows it: named, on one line, the registry's own words quoted and inert. */
import { describe, expect, it } from 'vitest';
import { isTransientAwsError } from '../../src/aws/classify';
import { refusal } from '../../src/registry/errors';

const facts = { action: 'PUT manifest', host: 'r.example', repository: 'team/web', reference: 'sha256:abc' };

describe('registry refusals', () => {
  it("names what was asked, the status and the registry's code, with its message on one quoted line", async () => {
    const body = JSON.stringify({
      errors: [{ code: 'DENIED', message: 'no\n::add-mask::secret\r##[error]forged' }],
    });
    const error = await refusal(new Response(body, { status: 403 }), facts);
    expect(error.message).toBe(
      'PUT manifest r.example/team/web@sha256:abc: HTTP 403 DENIED: "no\\n::add-mask::secret\\r##\u200b[error]forged"',
    );
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(isTransientAwsError(error)).toBe(false);
  });

  it('keeps a text answer that is not the registry JSON, cut short, and calls a 503 transient', async () => {
    const error = await refusal(new Response(`<html>${'x'.repeat(1000)}</html>`, { status: 503 }), facts);
    expect(error.message).toMatch(/^PUT manifest r\.example\/team\/web@sha256:abc: HTTP 503: "<html>x+…"$/);
    expect(error.message.length).toBeLessThan(400);
    expect(isTransientAwsError(error)).toBe(true);
  });
});
