// One home for these (src/aws/retry.ts, over aws/classify.ts): the claim's removal in record/ retries like the way back.
export { isTransientAwsError, ROLLBACK_RETRY_DELAYS_MS } from '../aws/retry';
