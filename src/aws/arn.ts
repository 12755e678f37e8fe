/** The readable end of an ARN: `demo-api:7` of a task definition, the id of a task. */
export function shortArn(arn: string | undefined): string {
  return arn === undefined ? '?' : (arn.split('/').pop() ?? arn);
}
