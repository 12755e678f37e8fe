#!/usr/bin/env node
// The installed CLI (`ecs-release`): the action's bundle, run as a command.
require('../dist/index.js');
