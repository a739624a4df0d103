/*
 * Keccak-f[1600] (FIPS 202, section 3). Portable C; the run-time choice of faster code
 * lives in pqpay_keccak_x1 / _x4 below.
 */
#include "pqpay_keccak.h"

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho offsets and pi's lane order, walked along pi's single cycle from lane 1. */
static const unsigned rho[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                 27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const unsigned pi_lane[24] = {10, 7,  11, 17, 18, 3,  5,  16, 8,  21, 24, 4,
                                     15, 23, 19, 13, 12, 2,  20, 14, 22, 9,  6,  1};

#define ROL64(a, n) (((a) << (n)) | ((a) >> ((64 - (n)) & 63)))

void pqpay_keccakf1600_x1_portable(uint64_t s[25])
{
    for (unsigned round = 0; round < 24; round++) {
        uint64_t c[5], t;
        for (unsigned x = 0; x < 5; x++) {
            c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
        }
        for (unsigned x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ ROL64(c[(x + 1) % 5], 1);
            for (unsigned y = 0; y < 25; y += 5) {
                s[y + x] ^= d;
            }
        }
        t = s[1];
        for (unsigned i = 0; i < 24; i++) {
            unsigned j = pi_lane[i];
            uint64_t next = s[j];
            s[j] = ROL64(t, rho[i]);
            t = next;
        }
        for (unsigned y = 0; y < 25; y += 5) {
            uint64_t row[5];
            for (unsigned x = 0; x < 5; x++) {
                row[x] = s[y + x];
            }
            for (unsigned x = 0; x < 5; x++) {
                s[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
            }
        }
        s[0] ^= round_constants[round];
    }
}

void pqpay_keccakf1600_x1(uint64_t state[25])
{
    pqpay_keccakf1600_x1_portable(state);
}

void pqpay_keccakf1600_x4(uint64_t states[100])
{
    for (unsigned j = 0; j < 4; j++) {
        pqpay_keccakf1600_x1(states + 25 * j);
    }
}
