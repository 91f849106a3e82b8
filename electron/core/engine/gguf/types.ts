// The vocabulary of GGUF: ggml tensor types (with their block geometry), metadata value types,
// and the shapes of what the reader returns. Numbering follows ggml.h / gguf.h exactly.

export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
  NVFP4 = 40,
  Q1_0 = 41,
  Q2_0 = 42,
}

/** Elements per block and bytes per block, from ggml-common.h's block structs. */
export interface GgmlTypeTraits {
  readonly name: string;
  readonly blockSize: number;
  readonly typeSize: number;
}

const QK_K = 256;

export const GGML_TYPE_TRAITS: ReadonlyMap<GgmlType, GgmlTypeTraits> = new Map<GgmlType, GgmlTypeTraits>([
  [GgmlType.F32, { name: 'F32', blockSize: 1, typeSize: 4 }],
  [GgmlType.F16, { name: 'F16', blockSize: 1, typeSize: 2 }],
  [GgmlType.Q4_0, { name: 'Q4_0', blockSize: 32, typeSize: 2 + 16 }],
  [GgmlType.Q4_1, { name: 'Q4_1', blockSize: 32, typeSize: 4 + 16 }],
  [GgmlType.Q5_0, { name: 'Q5_0', blockSize: 32, typeSize: 2 + 4 + 16 }],
  [GgmlType.Q5_1, { name: 'Q5_1', blockSize: 32, typeSize: 4 + 4 + 16 }],
  [GgmlType.Q8_0, { name: 'Q8_0', blockSize: 32, typeSize: 2 + 32 }],
  [GgmlType.Q8_1, { name: 'Q8_1', blockSize: 32, typeSize: 4 + 32 }],
  [GgmlType.Q2_K, { name: 'Q2_K', blockSize: QK_K, typeSize: 4 + QK_K / 16 + QK_K / 4 }],
  [GgmlType.Q3_K, { name: 'Q3_K', blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 8 + 12 }],
  [GgmlType.Q4_K, { name: 'Q4_K', blockSize: QK_K, typeSize: 4 + 12 + QK_K / 2 }],
  [GgmlType.Q5_K, { name: 'Q5_K', blockSize: QK_K, typeSize: 4 + 12 + QK_K / 2 + QK_K / 8 }],
  [GgmlType.Q6_K, { name: 'Q6_K', blockSize: QK_K, typeSize: 2 + QK_K / 16 + (3 * QK_K) / 4 }],
  [GgmlType.Q8_K, { name: 'Q8_K', blockSize: QK_K, typeSize: 4 + QK_K + (QK_K / 16) * 2 }],
  [GgmlType.IQ2_XXS, { name: 'IQ2_XXS', blockSize: QK_K, typeSize: 2 + (QK_K / 8) * 2 }],
  [GgmlType.IQ2_XS, { name: 'IQ2_XS', blockSize: QK_K, typeSize: 2 + (QK_K / 8) * 2 + QK_K / 32 }],
  [GgmlType.IQ3_XXS, { name: 'IQ3_XXS', blockSize: QK_K, typeSize: 2 + 3 * (QK_K / 8) }],
  [GgmlType.IQ1_S, { name: 'IQ1_S', blockSize: QK_K, typeSize: 2 + QK_K / 8 + QK_K / 16 }],
  [GgmlType.IQ4_NL, { name: 'IQ4_NL', blockSize: 32, typeSize: 2 + 16 }],
  [GgmlType.IQ3_S, { name: 'IQ3_S', blockSize: QK_K, typeSize: 2 + 13 * (QK_K / 32) + QK_K / 64 }],
  [GgmlType.IQ2_S, { name: 'IQ2_S', blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 16 }],
  [GgmlType.IQ4_XS, { name: 'IQ4_XS', blockSize: QK_K, typeSize: 2 + 2 + QK_K / 64 + QK_K / 2 }],
  [GgmlType.I8, { name: 'I8', blockSize: 1, typeSize: 1 }],
  [GgmlType.I16, { name: 'I16', blockSize: 1, typeSize: 2 }],
  [GgmlType.I32, { name: 'I32', blockSize: 1, typeSize: 4 }],
  [GgmlType.I64, { name: 'I64', blockSize: 1, typeSize: 8 }],
  [GgmlType.F64, { name: 'F64', blockSize: 1, typeSize: 8 }],
  [GgmlType.IQ1_M, { name: 'IQ1_M', blockSize: QK_K, typeSize: QK_K / 8 + QK_K / 16 + QK_K / 32 }],
  [GgmlType.BF16, { name: 'BF16', blockSize: 1, typeSize: 2 }],
  [GgmlType.TQ1_0, { name: 'TQ1_0', blockSize: QK_K, typeSize: 2 + QK_K / 64 + (QK_K - (4 * QK_K) / 64) / 5 }],
  [GgmlType.TQ2_0, { name: 'TQ2_0', blockSize: QK_K, typeSize: 2 + QK_K / 4 }],
  [GgmlType.MXFP4, { name: 'MXFP4', blockSize: 32, typeSize: 1 + 16 }],
  [GgmlType.NVFP4, { name: 'NVFP4', blockSize: 64, typeSize: 64 / 16 + 32 }],
  [GgmlType.Q1_0, { name: 'Q1_0', blockSize: 128, typeSize: 2 + 128 / 8 }],
  [GgmlType.Q2_0, { name: 'Q2_0', blockSize: 64, typeSize: 2 + 64 / 4 }],
]);

export function ggmlTypeTraits(type: GgmlType): GgmlTypeTraits | undefined {
  return GGML_TYPE_TRAITS.get(type);
}

export function ggmlTypeName(type: GgmlType): string {
  return GGML_TYPE_TRAITS.get(type)?.name ?? `unknown(${type})`;
}

/** Metadata value types (gguf.h `enum gguf_type`). */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** Fixed byte size of each scalar value type (strings and arrays are variable). */
export const GGUF_SCALAR_SIZE: Readonly<Partial<Record<GgufValueType, number>>> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

/**
 * A metadata value as plain data. 64-bit integers are bigint (as node-llama-cpp reads them);
 * every other number is a JS number; arrays may nest.
 */
export type GgufValue = number | bigint | string | boolean | GgufValue[];

export type GgufScalarType = Exclude<GgufValueType, GgufValueType.ARRAY>;

/**
 * A metadata value with its exact on-disk type. The reader keeps these beside the plain values so
 * a file's metadata can be copied into a new file without a u32 turning into an i32 (llama.cpp cares).
 */
export type GgufTypedValue =
  | {
      type:
        | GgufValueType.UINT8
        | GgufValueType.INT8
        | GgufValueType.UINT16
        | GgufValueType.INT16
        | GgufValueType.UINT32
        | GgufValueType.INT32
        | GgufValueType.FLOAT32
        | GgufValueType.FLOAT64;
      value: number;
    }
  | { type: GgufValueType.UINT64 | GgufValueType.INT64; value: bigint }
  | { type: GgufValueType.BOOL; value: boolean }
  | { type: GgufValueType.STRING; value: string }
  | { type: GgufValueType.ARRAY; itemType: GgufScalarType; value: (number | bigint | boolean | string)[] }
  | { type: GgufValueType.ARRAY; itemType: GgufValueType.ARRAY; value: GgufTypedValue[] };

export interface GgufTensorInfo {
  name: string;
  /** ne: fastest-varying first. A linear layer y = W x with ne = [in, out] is `out` rows of `in` values. */
  dims: number[];
  type: GgmlType;
  typeName: string;
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  byteSize: number;
  elementCount: number;
}

export interface GgufFile {
  /** The path it was opened from, or '<buffer>' for in-memory files. */
  path: string;
  version: number;
  alignment: number;
  /** Total file size in bytes. */
  fileSize: number;
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
  metadata: Record<string, GgufValue>;
  /** The same metadata with exact value types, for copying into another file. */
  typedMetadata: Record<string, GgufTypedValue>;
  tensors: GgufTensorInfo[];
  tensor(name: string): GgufTensorInfo | undefined;
  /** Raw bytes of one tensor, read by offset (the file is never loaded whole). */
  readTensorBytes(name: string): Uint8Array;
  /** One tensor dequantized to float32. */
  readTensorF32(name: string, out?: Float32Array): Float32Array;
  close(): void;
}

/** Caps on what a file may ask us to allocate, beyond the always-applied "fits in the file" check. */
export interface GgufReadLimits {
  /** Longest string (key, value or tensor name) in bytes. Default 64 MiB. */
  maxStringBytes?: number;
  /** Most elements in one metadata array. Default 16 Mi. */
  maxArrayLength?: number;
  /** Most metadata key/value pairs. Default 65,536. */
  maxKvCount?: number;
  /** Most tensors. Default 1 Mi. */
  maxTensorCount?: number;
  /** Deepest nesting of arrays inside arrays. Default 8. */
  maxArrayDepth?: number;
}
