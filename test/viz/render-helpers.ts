import sharp from 'sharp';
import { svgToPng } from '../../src/io/render.js';

/** An SVG rendered by librsvg (through sharp) to RGB pixels. */
export interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number];
}

/** Renders an SVG string and returns its pixels (fails on malformed SVG). */
export async function render(svg: string): Promise<Pixels> {
  const png = await svgToPng(svg);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const o = (Math.round(y) * info.width + Math.round(x)) * 3;
      return [data[o], data[o + 1], data[o + 2]];
    },
  };
}
