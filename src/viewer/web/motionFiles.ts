/** Re-export for the page: dropped motion files (src/viewer/motionImport.ts). */
export { importMotionFile } from '../motionImport.js';
