'use strict';
// The post step: the shared bundle, told which step to run.
globalThis.ecsReleaseStep = 'post';
require('../index.js');
