/* Keccak-f[1600], four states at once, AVX2 (compiled with -mavx2). */
#include <immintrin.h>

#include "pqpay_keccak_impl.h"
#include "pqpay_keccak_x4.h"

static inline __m256i rol64x4(__m256i a, int n)
{
    /* Rotations by whole bytes are one byte shuffle. */
    if (n == 8) {
        return _mm256_shuffle_epi8(
            a, _mm256_set_epi8(14, 13, 12, 11, 10, 9, 8, 15, 6, 5, 4, 3, 2, 1, 0, 7, 14, 13, 12,
                               11, 10, 9, 8, 15, 6, 5, 4, 3, 2, 1, 0, 7));
    }
    if (n == 56) {
        return _mm256_shuffle_epi8(
            a, _mm256_set_epi8(8, 15, 14, 13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1, 8, 15, 14,
                               13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1));
    }
    return _mm256_or_si256(_mm256_slli_epi64(a, n), _mm256_srli_epi64(a, 64 - n));
}

#define KXOR(a, b) _mm256_xor_si256((a), (b))
#define KROL(a, n) rol64x4((a), (n))
#define KCHI(a, b, c) _mm256_xor_si256((a), _mm256_andnot_si256((b), (c)))
#define KXORRC(a, rc) _mm256_xor_si256((a), _mm256_set1_epi64x((long long)(rc)))

void pqpay_keccakf1600_x4_avx2(uint64_t states[100])
{
    PQPAY_KECCAK_X4_PERMUTE(states, PQPAY_KECCAK_TWO_ROUNDS_XOR2);
}
