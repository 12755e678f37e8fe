'use strict';
// Stands in for ssh2 in dist/ (scripts/bundle.mjs): docker-modem loads ssh2 only for a
// DOCKER_HOST of ssh://, which ecs-release does not support; the real package would
// ship its SSH client, crypto and optional native addons to every run for nothing.
// docker-modem builds a Client only when it dials over SSH, so this throws then, as
// the rejection of that Docker call, and never when the bundle loads.
class Client {
  constructor() {
    throw new Error(
      'Docker over SSH is not supported (DOCKER_HOST is ssh://...): point DOCKER_HOST at a unix:// socket or a tcp:// address',
    );
  }
}
module.exports = { Client };
