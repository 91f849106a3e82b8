// Oracle: prints ggml reference dequant of pseudo-random blocks and reference quantization of floats.
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include "ggml.h"
#include "ggml-quants.h"
static uint32_t s = 12345;
static uint32_t rnd(void) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }
static void hexdump(const char *k, const uint8_t *b, size_t n) { printf("\"%s\":\"", k); for (size_t i=0;i<n;i++) printf("%02x", b[i]); printf("\""); }
static void f32dump(const char *k, const float *f, size_t n) { hexdump(k, (const uint8_t*)f, n*4); }
// a random f16 in a sane range: exponent 8..17 (≈ 2^-7 .. 2^2), random sign and mantissa
static uint16_t rhalf(void) { uint16_t e = 8 + rnd()%10; return (uint16_t)(((rnd()&1)<<15) | (e<<10) | (rnd()&0x3ff)); }
int main(void) {
  enum { NB = 3 };
  printf("{\n");
  // Q4_K
  { block_q4_K b[NB]; uint8_t *p=(uint8_t*)b; for (size_t i=0;i<sizeof b;i++) p[i]=rnd(); for(int i=0;i<NB;i++){ memcpy(&b[i].d,&(uint16_t){rhalf()},2); memcpy(&b[i].dmin,&(uint16_t){rhalf()},2);} float y[NB*256]; dequantize_row_q4_K(b,y,NB*256); printf("\"q4_K\":{"); hexdump("bytes",p,sizeof b); printf(","); f32dump("f32",y,NB*256); printf("},\n"); }
  { block_q5_K b[NB]; uint8_t *p=(uint8_t*)b; for (size_t i=0;i<sizeof b;i++) p[i]=rnd(); for(int i=0;i<NB;i++){ memcpy(&b[i].d,&(uint16_t){rhalf()},2); memcpy(&b[i].dmin,&(uint16_t){rhalf()},2);} float y[NB*256]; dequantize_row_q5_K(b,y,NB*256); printf("\"q5_K\":{"); hexdump("bytes",p,sizeof b); printf(","); f32dump("f32",y,NB*256); printf("},\n"); }
  { block_q6_K b[NB]; uint8_t *p=(uint8_t*)b; for (size_t i=0;i<sizeof b;i++) p[i]=rnd(); for(int i=0;i<NB;i++){ memcpy(&b[i].d,&(uint16_t){rhalf()},2);} float y[NB*256]; dequantize_row_q6_K(b,y,NB*256); printf("\"q6_K\":{"); hexdump("bytes",p,sizeof b); printf(","); f32dump("f32",y,NB*256); printf("},\n"); }
  { block_q4_0 b[NB*8]; uint8_t *p=(uint8_t*)b; for (size_t i=0;i<sizeof b;i++) p[i]=rnd(); for(int i=0;i<NB*8;i++){ memcpy(&b[i].d,&(uint16_t){rhalf()},2);} float y[NB*256]; dequantize_row_q4_0(b,y,NB*256); printf("\"q4_0\":{"); hexdump("bytes",p,sizeof b); printf(","); f32dump("f32",y,NB*256); printf("},\n"); }
  { block_q8_0 b[NB*8]; uint8_t *p=(uint8_t*)b; for (size_t i=0;i<sizeof b;i++) p[i]=rnd(); for(int i=0;i<NB*8;i++){ memcpy(&b[i].d,&(uint16_t){rhalf()},2);} float y[NB*256]; dequantize_row_q8_0(b,y,NB*256); printf("\"q8_0\":{"); hexdump("bytes",p,sizeof b); printf(","); f32dump("f32",y,NB*256); printf("},\n"); }
  // reference quantizers on floats with awkward values: ties, zeros, a zero block, large and tiny magnitudes
  { float x[NB*256]; for (int i=0;i<NB*256;i++){ int32_t r=(int32_t)rnd(); x[i] = (float)r / 2147483648.0f * (i%7==0 ? 100.0f : 1.0f); }
    for (int i=0;i<32;i++) x[32+i]=0.0f;              // an all-zero block
    for (int i=0;i<32;i++) x[64+i]=(float)(i-16)*0.25f;  // exact halves after scaling
    x[96]=1e-30f; x[97]=-3.0e4f;
    block_q8_0 q8[NB*8]; quantize_row_q8_0_ref(x,q8,NB*256);
    block_q4_0 q4[NB*8]; quantize_row_q4_0_ref(x,q4,NB*256);
    printf("\"quant\":{"); f32dump("x",x,NB*256); printf(","); hexdump("q8_0",(uint8_t*)q8,sizeof q8); printf(","); hexdump("q4_0",(uint8_t*)q4,sizeof q4); printf("}\n"); }
  printf("}\n");
  return 0;
}
