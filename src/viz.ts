/**
 * `lowrank/viz`: pictures of factorizations — colormaps, heatmaps, line charts, comparison and
 * spectrum figures (SVG), PNG encoding of raster images, and the self-contained HTML report.
 * Browser-safe.
 *
 * @packageDocumentation
 */
export { viridis, rdbuR, colorAt, type Colormap } from './viz/colormap.js';
export { heatmapImage, finiteRange, type Heatmap, type RgbaImage } from './viz/raster.js';
export { encodePng } from './viz/png.js';
export { comparisonFigure, type Panel } from './viz/comparison.js';
export { lineChart, TAB10, type Series, type ReferenceLine, type LineChartOptions } from './viz/line-chart.js';
export { heatmapFigure, colorLimits, type HeatmapFigureOptions } from './viz/heatmap-figure.js';
export {
  factorizationFigures,
  spectrumFigure,
  imageComparisonFigure,
  sideBySide,
  blockMeans,
  productBlockMeans,
  channelsToRgba,
  optimalMse,
  type FactorizationFigureInput,
  type FigureSet,
  type ImagePanel,
  type SpectrumFigureOptions,
} from './viz/figures.js';
export { buildReport, type ReportInput, type ReportFigure, type ReportTable } from './viz/report.js';
