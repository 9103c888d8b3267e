import type { Command } from 'commander';
import { registerIngest } from './ingest.js';
import { registerPerceive } from './perceive.js';
import { registerView } from './view.js';
import { registerAnimate } from './animate.js';
import { registerRender } from './render.js';
import { registerExport } from './export.js';
import { registerBody } from './body.js';
import { registerStages } from './stages.js';
import { registerCreate } from './create.js';
import { registerMotion } from './motion.js';
import { registerServe } from './serve.js';

/** Every CLI command, one file each under src/cli/. Add new commands here. */
export const commands: Array<(program: Command) => void> = [
  registerCreate, // create, demo
  registerIngest,
  registerPerceive,
  registerStages, // fit, texture, generate, train
  registerMotion, // motion from-video
  registerAnimate,
  registerRender,
  registerExport,
  registerView,
  registerBody,
  registerServe, // serve, worker
];
