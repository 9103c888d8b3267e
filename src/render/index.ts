/** The triangle-mesh rasterizer and 2D drawing helpers (see docs/render.md). */
export * from './raster.js';
export * from './shade.js';
export * from './draw.js';
export * from './sheet.js';
export * from './font.js';
export * from './uvraster.js';
