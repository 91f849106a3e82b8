// Numeric buffers every op's backward and float64 reference accept: the same code runs in float32
// (the engine) and float64 (finite-difference checks, where f32 rounding would drown the truncation
// error being measured).
export type Vec = Float32Array | Float64Array;
