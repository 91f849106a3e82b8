// How messages travel over the WebSocket. A message without binary values is one JSON text frame.
// A message holding typed arrays or ArrayBuffers (activations, attention maps) is one binary frame:
//
//   [u32 LE: header byte length H] [H bytes: UTF-8 JSON header] [zero padding to 8] [buffer 0] [pad] [buffer 1] …
//
// The header is the message with each binary value replaced by {__glassbox_binary: type, i: index},
// plus `b`: the [offset, byteLength] of every buffer, counted from the data section (the first 8-byte
// boundary after the header). Buffers start on 8-byte boundaries,
// so the receiver can view them in place (a Float64Array needs 8-byte alignment). A 2,048² Float32
// attention map is 16 MiB this way, against ~22 MiB as base64 JSON, with no encode/decode of base64.
// Electron IPC needs none of this (structured clone); the WebSocket transport and its client use it.
import type { ApiEvent } from './contract.ts';
import type { ApiResult } from './errors.ts';

/** Client → core. */
export type ClientMessage = { t: 'call'; id: number; method: string; input: unknown };
/** Core → client. */
export type ServerMessage = { t: 'result'; id: number; result: ApiResult<unknown> } | { t: 'event'; event: ApiEvent };

/** What goes on the socket: a text frame, or a binary frame. */
export type WireFrame = string | Uint8Array<ArrayBuffer>;

const typedArrays = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayName = keyof typeof typedArrays;
const BINARY_TAG = '__glassbox_binary';
const ALIGN = 8;

export class WireError extends Error {}

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Encodes a message: a JSON string if it holds no binary values, otherwise a binary frame. */
export function encodeWire(message: ClientMessage | ServerMessage): WireFrame {
  const buffers: Uint8Array[] = [];
  const json = JSON.stringify(message, function (this: unknown, key: string, value: unknown) {
    // JSON.stringify would turn a typed array into an object of indices; take the raw value first.
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof ArrayBuffer) return { [BINARY_TAG]: 'ArrayBuffer', i: buffers.push(new Uint8Array(raw)) - 1 };
    if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
      const name = raw.constructor.name as TypedArrayName;
      if (Object.hasOwn(typedArrays, name))
        return { [BINARY_TAG]: name, i: buffers.push(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) - 1 };
    }
    return value;
  });
  if (buffers.length === 0) return json;

  // Offsets count from the data section, which starts at the first 8-byte boundary after the header.
  const layout: [number, number][] = [];
  let size = 0;
  for (const b of buffers) {
    layout.push([size, b.byteLength]);
    size = align(size + b.byteLength);
  }
  const header = new TextEncoder().encode(`{"m":${json},"b":${JSON.stringify(layout)}}`);
  const dataStart = align(4 + header.length);
  const frame = new Uint8Array(dataStart + size);
  new DataView(frame.buffer).setUint32(0, header.length, true);
  frame.set(header, 4);
  buffers.forEach((b, k) => frame.set(b, dataStart + layout[k][0]));
  return frame;
}

/** Decodes a text frame (string) or a binary frame (ArrayBuffer or a Uint8Array view, e.g. Node's Buffer). */
export function decodeWire<T = ClientMessage | ServerMessage>(data: string | ArrayBuffer | Uint8Array): T {
  if (typeof data === 'string') return JSON.parse(data) as T;
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  if (bytes.byteLength < 4) throw new WireError('binary frame is shorter than its header length');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.byteLength) throw new WireError('binary frame header runs past the frame');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as { m: unknown; b: unknown };
  const layout = header.b;
  if (!Array.isArray(layout)) throw new WireError('binary frame header has no buffer table');
  const dataStart = align(4 + headerLength);
  // Views in place when the frame's memory is aligned (a browser ArrayBuffer always is); else a copy.
  const inPlace = bytes.byteOffset % ALIGN === 0;
  const buffer = (k: number): { buf: ArrayBuffer; at: number; len: number } => {
    const entry = layout[k] as unknown;
    if (
      !Array.isArray(entry) ||
      !Number.isInteger(entry[0]) ||
      !Number.isInteger(entry[1]) ||
      entry[0] < 0 ||
      entry[1] < 0 ||
      dataStart + entry[0] + entry[1] > bytes.byteLength
    ) {
      throw new WireError(`binary frame buffer ${k} is outside the frame`);
    }
    const offset = dataStart + (entry[0] as number);
    const length = entry[1] as number;
    if (inPlace) return { buf: bytes.buffer as ArrayBuffer, at: bytes.byteOffset + offset, len: length };
    return { buf: bytes.slice(offset, offset + length).buffer, at: 0, len: length };
  };
  return revive(header.m, buffer) as T;
}

function revive(value: unknown, buffer: (k: number) => { buf: ArrayBuffer; at: number; len: number }): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], buffer);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (Object.hasOwn(obj, BINARY_TAG)) {
    const name = obj[BINARY_TAG];
    const k = obj.i;
    if (typeof k !== 'number') throw new WireError('binary value without a buffer index');
    if (name !== 'ArrayBuffer' && (typeof name !== 'string' || !Object.hasOwn(typedArrays, name)))
      throw new WireError(`unknown binary type ${String(name)}`);
    const { buf, at, len } = buffer(k);
    if (name === 'ArrayBuffer') return buf.slice(at, at + len);
    const Ctor = typedArrays[name as TypedArrayName];
    if (len % Ctor.BYTES_PER_ELEMENT !== 0)
      throw new WireError(`${name} buffer length ${len} is not a multiple of ${Ctor.BYTES_PER_ELEMENT}`);
    return new Ctor(buf, at, len / Ctor.BYTES_PER_ELEMENT);
  }
  for (const key of Object.keys(obj)) obj[key] = revive(obj[key], buffer);
  return obj;
}
