export const PNG_SIZES: number[];
export const ICO_SIZES: number[];
export const ICNS_TYPES: [string, number][];
export function sha256(data: string | Buffer): string;
export function rasterise(svg: string, sizes: number[], chromiumPath?: string): Promise<Map<number, Buffer>>;
export function encodeIco(pngs: [number, Buffer][]): Buffer;
export function encodeIcns(entries: [string, Buffer][]): Buffer;
export function writeIcons(svgPath?: string, outDir?: string, chromiumPath?: string): Promise<string>;
