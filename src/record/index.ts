export * from './claim';
export {
  type DeploymentState,
  type GithubDeployment,
  type GithubFetch,
  type GithubRunsAccess,
  type GithubTarget,
  githubRunState,
  setGithubDeploymentStatus,
  startGithubDeployment,
} from './github';
export { type ReleaseManifest, releaseManifest } from './manifest';
export * from './release-record';
export * from './run-status';
export * from './stale';
