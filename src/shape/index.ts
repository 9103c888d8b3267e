/** The clothed proxy room (stage `shape`): body ∪ clothing ∪ hair from one photo. See docs/shape.md. */
export { SHAPE_CONFIG, PROXY_COLOR_CONFIG, type ShapeConfig } from './config.js';
export { buildClothedProxy, unposeVertices, PROXY_MATERIAL, type ClothedProxy, type ProxyInputs, type ProxyStats } from './proxy.js';
export { readProxy, writeProxy, readProxyColors, writeProxyColors, loadSubjectProxy, type ProxyLook } from './format.js';
export { proxyColors, armOccluders, refillFromNearest, COLOUR_SOURCE, type ArmOccluders, type ProxyColorOptions, type ProxyColors } from './colors.js';
export { renderProxy } from './render.js';
export { detailColour, proxyDetail, DetailScratch, type ProxyDetail } from './detail.js';
export { proxyOverlay, proxySilhouetteIoU, materialColors, canonicalViews } from './overlay.js';
export { proxyGlb } from './glb.js';
export { runShapeStage, type ShapeStageOptions } from './stage.js';
export { meshTopology } from './meshOps.js';
export { proxyWithExpression } from './expression.js';
export { marchingTetrahedra, type ScalarGrid } from './marchingTetrahedra.js';
