/**
 * Deployment circuit breaker threshold.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ThresholdConfiguration.html
 */

export interface CircuitBreakerConfig {
  enable?: boolean;
  rollback?: boolean;
  resetOnHealthyTask?: boolean;
  thresholdConfiguration?: { type?: string; value?: number };
}

/** BOUNDED_PERCENT (default 50): ceil(value% × desired), clamped to [3, 200]; COUNT: the value itself. */
export function failureThreshold(cb: CircuitBreakerConfig | undefined, desiredCount: number): number {
  const type = cb?.thresholdConfiguration?.type ?? 'BOUNDED_PERCENT';
  const value = cb?.thresholdConfiguration?.value;
  if (type === 'COUNT') return Math.max(1, value ?? 3);
  const percent = value ?? 50;
  const raw = Math.ceil((percent / 100) * desiredCount);
  // UNBOUNDED_PERCENT: AWS does not state rounding or clamping; we round up and keep at least 1.
  if (type === 'UNBOUNDED_PERCENT') return Math.max(1, raw);
  return Math.min(200, Math.max(3, raw));
}
