/*
 * mlkem-native's FIPS 202 interface (MLK_CONFIG_FIPS202_CUSTOM_HEADER and
 * MLK_CONFIG_FIPS202X4_CUSTOM_HEADER both name this file) as a small sponge over pqpay's
 * Keccak-f[1600] permutations (pqpay_keccak.h): SHA3-256/512, SHAKE128 (one-shot absorb,
 * block squeeze), SHAKE256, and the four-way SHAKE128/SHAKE256 that the matrix expansion and
 * the noise sampling use, on pqpay_keccakf1600_x4 (four states side by side).
 *
 * The list of functions is the one AWS-LC's ml_kem/fips202_glue.h and fips202x4_glue.h
 * provide for the same mlkem-native version. Every state that saw secret input (seeds,
 * messages, noise) is wiped before return or on release.
 */
#ifndef PQPAY_MLKEM_FIPS202_H
#define PQPAY_MLKEM_FIPS202_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pqpay_keccak.h"

#define SHAKE128_RATE 168
#define SHAKE256_RATE 136
#define SHA3_256_RATE 136
#define SHA3_512_RATE 72

#define PQPAY_SHA3_DS 0x06
#define PQPAY_SHAKE_DS 0x1F

typedef struct
{
  uint64_t s[25];
} mlk_shake128ctx;

/* Four states one after another, as pqpay_keccakf1600_x4 takes them. */
typedef struct
{
  uint64_t s[100];
} mlk_shake128x4ctx;

/* Overwrites `len` bytes with zeros in a way the compiler may not drop as a dead store. */
static void pqpay_fips202_wipe(void *p, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
  memset(p, 0, len);
  __asm__ __volatile__("" : : "r"(p) : "memory");
#else
  volatile uint8_t *v = (volatile uint8_t *)p;
  while (len--)
  {
    *v++ = 0;
  }
#endif
}

/* XORs `len` (<= 200) bytes into the state from byte 0 (lanes are little endian). */
static void pqpay_fips202_xor(uint64_t s[25], const uint8_t *in, size_t len)
{
  size_t i;
  for (i = 0; i + 8 <= len; i += 8)
  {
    uint64_t lane = 0;
    unsigned b;
    for (b = 0; b < 8; b++)
    {
      lane |= (uint64_t)in[i + b] << (8 * b);
    }
    s[i / 8] ^= lane;
  }
  for (; i < len; i++)
  {
    s[i / 8] ^= (uint64_t)in[i] << (8 * (i % 8));
  }
}

/* Copies the first `len` (<= 200) bytes of the state out. */
static void pqpay_fips202_extract(uint8_t *out, const uint64_t s[25], size_t len)
{
#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
  memcpy(out, s, len);
#else
  size_t i;
  for (i = 0; i < len; i++)
  {
    out[i] = (uint8_t)(s[i / 8] >> (8 * (i % 8)));
  }
#endif
}

/* Zeroes the state, absorbs all of `in` and the padding (domain byte `ds`, final 0x80): the
 * state is then ready for the first squeeze permutation. */
static void pqpay_fips202_absorb_x1(uint64_t s[25], size_t rate, const uint8_t *in,
                                    size_t inlen, uint8_t ds)
{
  memset(s, 0, 25 * sizeof(uint64_t));
  while (inlen >= rate)
  {
    pqpay_fips202_xor(s, in, rate);
    pqpay_keccakf1600_x1(s);
    in += rate;
    inlen -= rate;
  }
  pqpay_fips202_xor(s, in, inlen);
  s[inlen / 8] ^= (uint64_t)ds << (8 * (inlen % 8));
  s[(rate - 1) / 8] ^= (uint64_t)0x80 << (8 * ((rate - 1) % 8));
}

/* Squeezes `outlen` bytes: permute, then take up to `rate` bytes, until done. */
static void pqpay_fips202_squeeze_x1(uint8_t *out, size_t outlen, uint64_t s[25],
                                     size_t rate)
{
  while (outlen > 0)
  {
    size_t n = outlen < rate ? outlen : rate;
    pqpay_keccakf1600_x1(s);
    pqpay_fips202_extract(out, s, n);
    out += n;
    outlen -= n;
  }
}

/* The x4 forms: four inputs of one length into four side-by-side states. */
static void pqpay_fips202_absorb_x4(uint64_t s[100], size_t rate, const uint8_t *in0,
                                    const uint8_t *in1, const uint8_t *in2,
                                    const uint8_t *in3, size_t inlen, uint8_t ds)
{
  const uint8_t *in[4];
  size_t off = 0;
  unsigned j;
  in[0] = in0;
  in[1] = in1;
  in[2] = in2;
  in[3] = in3;
  memset(s, 0, 100 * sizeof(uint64_t));
  while (inlen - off >= rate)
  {
    for (j = 0; j < 4; j++)
    {
      pqpay_fips202_xor(s + 25 * j, in[j] + off, rate);
    }
    pqpay_keccakf1600_x4(s);
    off += rate;
  }
  for (j = 0; j < 4; j++)
  {
    uint64_t *sj = s + 25 * j;
    size_t rest = inlen - off;
    pqpay_fips202_xor(sj, in[j] + off, rest);
    sj[rest / 8] ^= (uint64_t)ds << (8 * (rest % 8));
    sj[(rate - 1) / 8] ^= (uint64_t)0x80 << (8 * ((rate - 1) % 8));
  }
}

static void pqpay_fips202_squeeze_x4(uint8_t *out0, uint8_t *out1, uint8_t *out2,
                                     uint8_t *out3, size_t outlen, uint64_t s[100],
                                     size_t rate)
{
  size_t off = 0;
  while (off < outlen)
  {
    size_t n = outlen - off < rate ? outlen - off : rate;
    pqpay_keccakf1600_x4(s);
    pqpay_fips202_extract(out0 + off, s, n);
    pqpay_fips202_extract(out1 + off, s + 25, n);
    pqpay_fips202_extract(out2 + off, s + 50, n);
    pqpay_fips202_extract(out3 + off, s + 75, n);
    off += n;
  }
}

/* --- the functions mlkem-native calls --- */

static MLK_INLINE void mlk_shake128_init(mlk_shake128ctx *state)
{
  memset(state, 0, sizeof(*state));
}

static MLK_INLINE void mlk_shake128_absorb_once(mlk_shake128ctx *state, const uint8_t *input,
                                                size_t inlen)
{
  pqpay_fips202_absorb_x1(state->s, SHAKE128_RATE, input, inlen, PQPAY_SHAKE_DS);
}

static MLK_INLINE void mlk_shake128_squeezeblocks(uint8_t *output, size_t nblocks,
                                                  mlk_shake128ctx *state)
{
  pqpay_fips202_squeeze_x1(output, nblocks * SHAKE128_RATE, state->s, SHAKE128_RATE);
}

static MLK_INLINE void mlk_shake128_release(mlk_shake128ctx *state)
{
  pqpay_fips202_wipe(state, sizeof(*state));
}

static MLK_INLINE void mlk_shake256(uint8_t *output, size_t outlen, const uint8_t *input,
                                    size_t inlen)
{
  uint64_t s[25];
  pqpay_fips202_absorb_x1(s, SHAKE256_RATE, input, inlen, PQPAY_SHAKE_DS);
  pqpay_fips202_squeeze_x1(output, outlen, s, SHAKE256_RATE);
  pqpay_fips202_wipe(s, sizeof(s));
}

static MLK_INLINE void mlk_sha3_256(uint8_t *output, const uint8_t *input, size_t inlen)
{
  uint64_t s[25];
  pqpay_fips202_absorb_x1(s, SHA3_256_RATE, input, inlen, PQPAY_SHA3_DS);
  pqpay_fips202_squeeze_x1(output, 32, s, SHA3_256_RATE);
  pqpay_fips202_wipe(s, sizeof(s));
}

static MLK_INLINE void mlk_sha3_512(uint8_t *output, const uint8_t *input, size_t inlen)
{
  uint64_t s[25];
  pqpay_fips202_absorb_x1(s, SHA3_512_RATE, input, inlen, PQPAY_SHA3_DS);
  pqpay_fips202_squeeze_x1(output, 64, s, SHA3_512_RATE);
  pqpay_fips202_wipe(s, sizeof(s));
}

static MLK_INLINE void mlk_shake128x4_init(mlk_shake128x4ctx *state)
{
  memset(state, 0, sizeof(*state));
}

static MLK_INLINE void mlk_shake128x4_absorb_once(mlk_shake128x4ctx *state,
                                                  const uint8_t *in0, const uint8_t *in1,
                                                  const uint8_t *in2, const uint8_t *in3,
                                                  size_t inlen)
{
  pqpay_fips202_absorb_x4(state->s, SHAKE128_RATE, in0, in1, in2, in3, inlen,
                          PQPAY_SHAKE_DS);
}

static MLK_INLINE void mlk_shake128x4_squeezeblocks(uint8_t *out0, uint8_t *out1,
                                                    uint8_t *out2, uint8_t *out3,
                                                    size_t nblocks, mlk_shake128x4ctx *state)
{
  pqpay_fips202_squeeze_x4(out0, out1, out2, out3, nblocks * SHAKE128_RATE, state->s,
                           SHAKE128_RATE);
}

static MLK_INLINE void mlk_shake128x4_release(mlk_shake128x4ctx *state)
{
  pqpay_fips202_wipe(state, sizeof(*state));
}

static MLK_INLINE void mlk_shake256x4(uint8_t *out0, uint8_t *out1, uint8_t *out2,
                                      uint8_t *out3, size_t outlen, uint8_t *in0,
                                      uint8_t *in1, uint8_t *in2, uint8_t *in3, size_t inlen)
{
  uint64_t s[100];
  pqpay_fips202_absorb_x4(s, SHAKE256_RATE, in0, in1, in2, in3, inlen, PQPAY_SHAKE_DS);
  pqpay_fips202_squeeze_x4(out0, out1, out2, out3, outlen, s, SHAKE256_RATE);
  pqpay_fips202_wipe(s, sizeof(s));
}

#endif /* PQPAY_MLKEM_FIPS202_H */
