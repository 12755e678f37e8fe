export {
  type DecideRollbackInput,
  decideRollback,
  type PreviousRevision,
  type RollbackDecision,
  type RollbackStep,
  wasTouched,
} from './decide';
export { type FindReleasesOptions, findReleases, type ReleaseSource } from './find-releases';
export { historyEntries, historyLine, type ReadHistory, readHistory } from './history';
export type { ReleaseHistory, ReleaseRecord, ReleaseRevision } from './releases';
export {
  type CurrentService,
  type ResolvedTarget,
  type RollbackTarget,
  RollbackTargetError,
  recentReleases,
  releaseTime,
  resolveTarget,
  revisionIn,
  runningRelease,
} from './resolve';
export { missingImages, parseEcrImage } from './verify-images';
