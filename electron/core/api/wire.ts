// How messages travel over the WebSocket: JSON, with binary values (ArrayBuffer and typed arrays,
// e.g. activations) encoded as base64 so they arrive as the same typed array. Electron IPC needs none
// of this (structured clone), but the WebSocket transport and its client both use this codec.
import type { ApiEvent } from './contract.ts';
import type { ApiResult } from './errors.ts';

/** Client → core. */
export type ClientMessage = { t: 'call'; id: number; method: string; input: unknown };
/** Core → client. */
export type ServerMessage = { t: 'result'; id: number; result: ApiResult<unknown> } | { t: 'event'; event: ApiEvent };

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

function toBase64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeWire(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message, function (this: unknown, key: string, value: unknown) {
    // JSON.stringify calls toJSON-less typed arrays with their own value; catch them before they become objects.
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof ArrayBuffer) return { [BINARY_TAG]: 'ArrayBuffer', b64: toBase64(new Uint8Array(raw)) };
    if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
      const name = raw.constructor.name as TypedArrayName;
      if (name in typedArrays) {
        return { [BINARY_TAG]: name, b64: toBase64(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) };
      }
    }
    return value;
  });
}

export function decodeWire<T = ClientMessage | ServerMessage>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && BINARY_TAG in value) {
      const tagged = value as { [BINARY_TAG]: string; b64: string };
      const bytes = fromBase64(tagged.b64);
      const name = tagged[BINARY_TAG];
      if (name === 'ArrayBuffer') return bytes.buffer as ArrayBuffer;
      if (Object.hasOwn(typedArrays, name)) {
        const Ctor = typedArrays[name as TypedArrayName];
        return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
    }
    return value;
  }) as T;
}
