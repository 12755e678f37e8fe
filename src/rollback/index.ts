export {
  type DecideRollbackInput,
  decideRollback,
  type PreviousRevision,
  type RollbackDecision,
  type RollbackStep,
  wasTouched,
} from './decide';
export { type FindReleasesOptions, findReleases } from './find-releases';
export type { ReleaseHistory, ReleaseRecord, ReleaseRevision } from './releases';
export {
  type CurrentService,
  type ResolvedTarget,
  type RollbackTarget,
  RollbackTargetError,
  recentReleases,
  resolveTarget,
  runningRelease,
} from './resolve';
export { missingImages, parseEcrImage } from './verify-images';
