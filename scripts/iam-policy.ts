// Writes docs/iam.md's policy blocks and infra/release-role.yaml from src/aws/release-policy.ts;
// __tests__/security/iam-policy.test.ts fails when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { IAM_DOC, RELEASE_ROLE_TEMPLATE, renderIamDoc, renderReleaseRoleTemplate } from './iam-render';

writeFileSync(IAM_DOC, renderIamDoc(readFileSync(IAM_DOC, 'utf8')));
writeFileSync(RELEASE_ROLE_TEMPLATE, renderReleaseRoleTemplate());
console.log(`wrote ${IAM_DOC} (its policy blocks) and ${RELEASE_ROLE_TEMPLATE}`);
