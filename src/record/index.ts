export * from './claim';
export {
  type DeploymentState,
  type GithubDeployment,
  type GithubFetch,
  type GithubTarget,
  setGithubDeploymentStatus,
  startGithubDeployment,
} from './github';
export { type ReleaseManifest, releaseManifest } from './manifest';
export * from './release-record';
