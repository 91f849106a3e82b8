// The GGUF toolkit: read (validated, lazy), dequantize, quantize, write.
export { GgmlType, GgufValueType, GGML_TYPE_TRAITS, GGUF_SCALAR_SIZE, ggmlTypeName, ggmlTypeTraits } from './types.ts';
export type { GgmlTypeTraits, GgufFile, GgufReadLimits, GgufScalarType, GgufTensorInfo, GgufTypedValue, GgufValue } from './types.ts';
export { GgufError, isGgufError, type GgufErrorCode } from './errors.ts';
export { openGguf, openGgufBuffer, readTensorRangeF32, readTensorRangeBytes, GGUF_MAGIC, GGUF_DEFAULT_ALIGNMENT } from './reader.ts';
export { dequantize, canDequantize, byteSizeOf, DEQUANTIZABLE_TYPES, QK_K } from './dequant.ts';
export { quantize, canQuantize, QUANTIZABLE_TYPES } from './quant.ts';
export { writeGguf, encodeGguf, type GgufSpec, type TensorSpec, type MetadataInput } from './writer.ts';
export {
  u8,
  i8,
  u16,
  i16,
  u32,
  i32,
  u64,
  i64,
  f32,
  f64,
  bool,
  str,
  arr,
  strArr,
  f32Arr,
  i32Arr,
  u32Arr,
  plainValue,
  metaNumber,
} from './meta.ts';
export { f16ToF32, f32ToF16, bf16ToF32, f32ToBf16 } from './half.ts';
export { loraAdapterSpec, readLoraAdapter, type LoraPair, type LoraAdapterOptions, type LoraAdapterFile } from './lora.ts';
