/*
 * Four consecutive states (state j at +25j) <-> 25 AVX2 registers, register i holding lane i
 * of the four states: 4x4 transposes of 64-bit words (the last lane is gathered alone).
 * Included by the x4 units only (they are compiled with -mavx2 or more).
 */
#ifndef PQPAY_KECCAK_X4_H
#define PQPAY_KECCAK_X4_H

#include <immintrin.h>
#include <stdint.h>

#include "pqpay_keccak_rounds.h"

static inline void pqpay_keccak_transpose4(__m256i *o0, __m256i *o1, __m256i *o2, __m256i *o3,
                                           __m256i r0, __m256i r1, __m256i r2, __m256i r3)
{
    __m256i t0 = _mm256_unpacklo_epi64(r0, r1);
    __m256i t1 = _mm256_unpackhi_epi64(r0, r1);
    __m256i t2 = _mm256_unpacklo_epi64(r2, r3);
    __m256i t3 = _mm256_unpackhi_epi64(r2, r3);
    *o0 = _mm256_permute2x128_si256(t0, t2, 0x20);
    *o1 = _mm256_permute2x128_si256(t1, t3, 0x20);
    *o2 = _mm256_permute2x128_si256(t0, t2, 0x31);
    *o3 = _mm256_permute2x128_si256(t1, t3, 0x31);
}

static inline void pqpay_keccak_x4_load(__m256i lanes[25], const uint64_t s[100])
{
    for (unsigned i = 0; i < 24; i += 4) {
        pqpay_keccak_transpose4(&lanes[i], &lanes[i + 1], &lanes[i + 2], &lanes[i + 3],
                                _mm256_loadu_si256((const __m256i *)(s + i)),
                                _mm256_loadu_si256((const __m256i *)(s + 25 + i)),
                                _mm256_loadu_si256((const __m256i *)(s + 50 + i)),
                                _mm256_loadu_si256((const __m256i *)(s + 75 + i)));
    }
    lanes[24] = _mm256_set_epi64x((long long)s[99], (long long)s[74], (long long)s[49],
                                  (long long)s[24]);
}

static inline void pqpay_keccak_x4_store(uint64_t s[100], const __m256i lanes[25])
{
    for (unsigned i = 0; i < 24; i += 4) {
        __m256i r0, r1, r2, r3;
        pqpay_keccak_transpose4(&r0, &r1, &r2, &r3, lanes[i], lanes[i + 1], lanes[i + 2],
                                lanes[i + 3]);
        _mm256_storeu_si256((__m256i *)(s + i), r0);
        _mm256_storeu_si256((__m256i *)(s + 25 + i), r1);
        _mm256_storeu_si256((__m256i *)(s + 50 + i), r2);
        _mm256_storeu_si256((__m256i *)(s + 75 + i), r3);
    }
    __m128i lo = _mm256_castsi256_si128(lanes[24]);
    __m128i hi = _mm256_extracti128_si256(lanes[24], 1);
    s[24] = (uint64_t)_mm_cvtsi128_si64(lo);
    s[49] = (uint64_t)_mm_extract_epi64(lo, 1);
    s[74] = (uint64_t)_mm_cvtsi128_si64(hi);
    s[99] = (uint64_t)_mm_extract_epi64(hi, 1);
}

/* The body of an x4 permutation, once the including unit has defined the lane operations. */
#define PQPAY_KECCAK_X4_PERMUTE(states, TWO_ROUNDS) \
    do { \
        PQPAY_KECCAK_DECLARE(__m256i); \
        __m256i lanes_[25]; \
        pqpay_keccak_x4_load(lanes_, (states)); \
        PQPAY_KECCAK_LOAD(PQPAY_KECCAK_X4_GET_); \
        PQPAY_KECCAK_24_ROUNDS(TWO_ROUNDS); \
        PQPAY_KECCAK_STORE(PQPAY_KECCAK_X4_PUT_); \
        pqpay_keccak_x4_store((states), lanes_); \
    } while (0)
#define PQPAY_KECCAK_X4_GET_(i) lanes_[i]
#define PQPAY_KECCAK_X4_PUT_(i, v) lanes_[i] = (v)

#endif /* PQPAY_KECCAK_X4_H */
