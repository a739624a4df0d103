/* liboqs 0.16 (../shared/peers, AVX2 mlkem-native / mldsa-native) timed natively: the reference
 * line for benches/rust/engines.rs. Not part of the product or CI; build and run with
 * benches/native/run_engines.sh. Prints "alg/op  median_us" per line: the median of 15 rounds,
 * each round the mean of a batch of calls, operations interleaved round by round. */
#include <oqs/oqs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 15

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v) {
    qsort(v, ROUNDS, sizeof v[0], cmp);
    return v[ROUNDS / 2];
}

static void kem(const char *name) {
    OQS_KEM *k = OQS_KEM_new(name);
    uint8_t *pk = malloc(k->length_public_key), *sk = malloc(k->length_secret_key);
    uint8_t *ct = malloc(k->length_ciphertext), ss[64];
    double t[3][ROUNDS];
    int n = 400;
    OQS_KEM_keypair(k, pk, sk);
    for (int r = 0; r < ROUNDS; r++) {
        double s = now_us();
        for (int i = 0; i < n; i++) OQS_KEM_keypair(k, pk, sk);
        t[0][r] = (now_us() - s) / n;
        s = now_us();
        for (int i = 0; i < n; i++) OQS_KEM_encaps(k, ct, ss, pk);
        t[1][r] = (now_us() - s) / n;
        s = now_us();
        for (int i = 0; i < n; i++) OQS_KEM_decaps(k, ss, ct, sk);
        t[2][r] = (now_us() - s) / n;
    }
    printf("%s/keygen %.2f\n%s/encaps %.2f\n%s/decaps %.2f\n", name, median(t[0]), name,
           median(t[1]), name, median(t[2]));
    OQS_KEM_free(k);
}

static void sig(const char *name) {
    OQS_SIG *g = OQS_SIG_new(name);
    uint8_t *pk = malloc(g->length_public_key), *sk = malloc(g->length_secret_key);
    uint8_t *sg = malloc(g->length_signature), msg[64];
    size_t sl;
    double t[3][ROUNDS];
    int n = 100;
    memset(msg, 0x42, sizeof msg);
    OQS_SIG_keypair(g, pk, sk);
    for (int r = 0; r < ROUNDS; r++) {
        double s = now_us();
        for (int i = 0; i < n; i++) OQS_SIG_keypair(g, pk, sk);
        t[0][r] = (now_us() - s) / n;
        s = now_us();
        for (int i = 0; i < n; i++) OQS_SIG_sign(g, sg, &sl, msg, sizeof msg, sk);
        t[1][r] = (now_us() - s) / n;
        s = now_us();
        for (int i = 0; i < n; i++)
            if (OQS_SIG_verify(g, msg, sizeof msg, sg, sl, pk) != OQS_SUCCESS) abort();
        t[2][r] = (now_us() - s) / n;
    }
    printf("%s/keygen %.2f\n%s/sign %.2f\n%s/verify %.2f\n", name, median(t[0]), name,
           median(t[1]), name, median(t[2]));
    OQS_SIG_free(g);
}

int main(void) {
    OQS_init();
    kem("ML-KEM-512");
    kem("ML-KEM-768");
    kem("ML-KEM-1024");
    sig("ML-DSA-44");
    sig("ML-DSA-65");
    sig("ML-DSA-87");
    OQS_destroy();
    return 0;
}
