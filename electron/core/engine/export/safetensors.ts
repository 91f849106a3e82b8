// safetensors writer: an 8-byte little-endian header length, a JSON header mapping each name to
// {dtype, shape, data_offsets} (offsets relative to the data section), padded with spaces to a
// multiple of 8 bytes, then the raw little-endian tensor bytes in header order.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface SafetensorsEntry {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function encodeSafetensorsHeader(
  entries: SafetensorsEntry[],
  metadata?: Record<string, string>,
): { header: Uint8Array; dataBytes: number } {
  const json: Record<string, unknown> = {};
  if (metadata) json.__metadata__ = metadata;
  let offset = 0;
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`duplicate tensor name '${e.name}'`);
    seen.add(e.name);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (count !== e.data.length) throw new Error(`tensor '${e.name}': shape [${e.shape}] holds ${count} values, data has ${e.data.length}`);
    json[e.name] = { dtype: 'F32', shape: e.shape, data_offsets: [offset, offset + e.data.byteLength] };
    offset += e.data.byteLength;
  }
  let text = JSON.stringify(json);
  const len = new TextEncoder().encode(text).length;
  text += ' '.repeat((8 - (len % 8)) % 8);
  const body = new TextEncoder().encode(text);
  const header = new Uint8Array(8 + body.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(body.length), true);
  header.set(body, 8);
  return { header, dataBytes: offset };
}

/** Writes F32 tensors to `path` (streamed: no second copy of the data is built). */
export function writeSafetensors(path: string, entries: SafetensorsEntry[], metadata?: Record<string, string>): void {
  const { header } = encodeSafetensorsHeader(entries, metadata);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    for (const e of entries) writeSync(fd, new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength));
  } finally {
    closeSync(fd);
  }
}

/** Reads a safetensors file written by writeSafetensors (F32 only), for tests and tools. */
export function readSafetensors(bytes: Uint8Array): Record<string, { shape: number[]; data: Float32Array }> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, v] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    if (v.dtype !== 'F32') throw new Error(`tensor '${name}' has dtype ${v.dtype}; only F32 is read`);
    const start = 8 + n + v.data_offsets[0];
    // a copy, not a view: Buffer.slice (readFileSync's result) would share the whole file's buffer
    const copy = new Uint8Array(bytes.subarray(start, 8 + n + v.data_offsets[1]));
    out[name] = { shape: v.shape, data: new Float32Array(copy.buffer) };
  }
  return out;
}
