/*
 * pqpay's ML-KEM engine: mlkem-native (the code of liboqs 0.15+ and AWS-LC, taken from the
 * copy aws-lc-sys ships) in one compilation unit per parameter set and build, with FIPS 202
 * on pqpay's Keccak permutations (pqpay_mlkem_fips202.h), plus encapsulation and
 * decapsulation over keys expanded once.
 *
 * build.rs compiles this file six times: ML-KEM-512/768/1024 (MLK_CONFIG_PARAMETER_SET),
 * once portable (namespace pqpay_mlkem_ref_<level>) and, on x86_64, once with mlkem-native's
 * AVX2 backend and -mavx2 -mbmi2 (namespace pqpay_mlkem_avx2_<level>). The Rust side
 * (src/kem/mlkem_native.rs) calls the AVX2 build only when the CPU has AVX2 and BMI2.
 * Everything of mlkem-native is `static` here; only the pqpay functions below are exported.
 *
 * The expanded functions follow mlkem-native's mlk_kem_enc_derand / mlk_kem_dec (kem.c) and
 * mlk_indcpa_enc / mlk_indcpa_dec (indcpa.c) line by line; the only difference is that the
 * unpacking of t and s, the matrix A^T = mlk_gen_matrix(rho, transposed) and H(ek) are made
 * once in *_expand and reused. The FIPS 203 checks (modulus check of ek, hash check of dk)
 * are done by the caller before a key is expanded: the expanded calls do not repeat them.
 */

#define MLK_CONFIG_FILE "pqpay_mlkem_config.h"

#include "common.h"

#include "compress.c"
#include "debug.c"
#include "indcpa.c"
#include "kem.c"
#include "poly.c"
#include "poly_k.c"
#include "sampling.c"
#include "verify.c"

#if defined(MLK_CONFIG_USE_NATIVE_BACKEND_ARITH)
#if !defined(MLK_SYS_X86_64)
#error "pqpay builds mlkem-native's native backend only on x86_64"
#endif
#include "native/x86_64/src/compress_consts.c"
#include "native/x86_64/src/consts.c"
#include "native/x86_64/src/rej_uniform_table.c"
#endif

#if defined(MLK_CONFIG_MULTILEVEL_WITH_SHARED) || defined(MLK_CONFIG_MULTILEVEL_NO_SHARED) || \
    defined(MLK_CONFIG_CONTEXT_PARAMETER) || defined(MLK_CONFIG_SERIAL_FIPS202_ONLY)
#error "pqpay_mlkem.c expects the default single-level, context-free build"
#endif

#include <stddef.h>

/* pqpay_mlkem_<ref|avx2>_<512|768|1024>_api_<name> (build.rs sets the prefix; `api_` keeps
 * these apart from mlkem-native's own names in the same namespace) */
#define PQPAY_FN(name) MLK_NAMESPACE(api_##name)

/* A public key ready to encapsulate: A^T, t_hat and H(ek). */
typedef struct
{
  mlk_polymat at;
  mlk_polyvec pkpv;
  uint8_t hpk[MLKEM_SYMBYTES];
} pqpay_mlkem_epk;

/* A private key ready to decapsulate: the public part, s_hat and z. */
typedef struct
{
  pqpay_mlkem_epk pub;
  mlk_polyvec skpv;
  uint8_t z[MLKEM_SYMBYTES];
} pqpay_mlkem_esk;

size_t PQPAY_FN(pk_expanded_size)(void) { return sizeof(pqpay_mlkem_epk); }
size_t PQPAY_FN(sk_expanded_size)(void) { return sizeof(pqpay_mlkem_esk); }

/* ML-KEM.KeyGen_internal(d, z), coins = d || z. */
int PQPAY_FN(keypair_derand)(uint8_t pk[MLKEM_INDCCA_PUBLICKEYBYTES],
                             uint8_t sk[MLKEM_INDCCA_SECRETKEYBYTES],
                             const uint8_t coins[2 * MLKEM_SYMBYTES])
{
  return mlk_kem_keypair_derand(pk, sk, coins, NULL);
}

/* FIPS 203 section 7.2 modulus check: 0 if ek passes. */
int PQPAY_FN(check_pk)(const uint8_t pk[MLKEM_INDCCA_PUBLICKEYBYTES])
{
  return mlk_kem_check_pk(pk, NULL);
}

/* FIPS 203 section 7.3 hash check: 0 if H(ek) stored in dk matches. */
int PQPAY_FN(check_sk)(const uint8_t sk[MLKEM_INDCCA_SECRETKEYBYTES])
{
  return mlk_kem_check_sk(sk, NULL);
}

/* The packed calls, as mlkem-native ships them (for the cross-checks). */
int PQPAY_FN(enc_derand)(uint8_t ct[MLKEM_INDCCA_CIPHERTEXTBYTES], uint8_t ss[MLKEM_SSBYTES],
                         const uint8_t pk[MLKEM_INDCCA_PUBLICKEYBYTES],
                         const uint8_t coins[MLKEM_SYMBYTES])
{
  return mlk_kem_enc_derand(ct, ss, pk, coins, NULL);
}

int PQPAY_FN(dec)(uint8_t ss[MLKEM_SSBYTES], const uint8_t ct[MLKEM_INDCCA_CIPHERTEXTBYTES],
                  const uint8_t sk[MLKEM_INDCCA_SECRETKEYBYTES])
{
  return mlk_kem_dec(ss, ct, sk, NULL);
}

static void pqpay_pk_expand_into(pqpay_mlkem_epk *out,
                                 const uint8_t pk[MLKEM_INDCCA_PUBLICKEYBYTES],
                                 const uint8_t hpk[MLKEM_SYMBYTES])
{
  MLK_ALIGN uint8_t seed[MLKEM_SYMBYTES];
  mlk_unpack_pk(&out->pkpv, seed, pk);
  mlk_gen_matrix(&out->at, seed, 1 /* transpose */);
  mlk_memcpy(out->hpk, hpk, MLKEM_SYMBYTES);
}

/* Expands an encoded ek that passed the modulus check. */
void PQPAY_FN(pk_expand)(pqpay_mlkem_epk *out, const uint8_t pk[MLKEM_INDCCA_PUBLICKEYBYTES])
{
  MLK_ALIGN uint8_t hpk[MLKEM_SYMBYTES];
  mlk_hash_h(hpk, pk, MLKEM_INDCCA_PUBLICKEYBYTES);
  pqpay_pk_expand_into(out, pk, hpk);
}

/* Expands an encoded dk that passed the hash check (and whose ek passed the modulus check). */
void PQPAY_FN(sk_expand)(pqpay_mlkem_esk *out, const uint8_t sk[MLKEM_INDCCA_SECRETKEYBYTES])
{
  mlk_unpack_sk(&out->skpv, sk);
  pqpay_pk_expand_into(&out->pub, sk + MLKEM_INDCPA_SECRETKEYBYTES,
                       sk + MLKEM_INDCCA_SECRETKEYBYTES - 2 * MLKEM_SYMBYTES);
  mlk_memcpy(out->z, sk + MLKEM_INDCCA_SECRETKEYBYTES - MLKEM_SYMBYTES, MLKEM_SYMBYTES);
}

/* mlk_indcpa_enc with t_hat and A^T already unpacked / sampled. */
static void pqpay_indcpa_enc_expanded(uint8_t c[MLKEM_INDCPA_BYTES],
                                      const uint8_t m[MLKEM_INDCPA_MSGBYTES],
                                      const pqpay_mlkem_epk *pk,
                                      const uint8_t coins[MLKEM_SYMBYTES])
{
  MLK_ALLOC(sp, mlk_polyvec, 1, NULL);
  MLK_ALLOC(ep, mlk_polyvec, 1, NULL);
  MLK_ALLOC(b, mlk_polyvec, 1, NULL);
  MLK_ALLOC(v, mlk_poly, 1, NULL);
  MLK_ALLOC(k, mlk_poly, 1, NULL);
  MLK_ALLOC(epp, mlk_poly, 1, NULL);
  MLK_ALLOC(sp_cache, mlk_polyvec_mulcache, 1, NULL);

  mlk_poly_frommsg(k, m);

  mlk_enc_getnoise_eta1_eta2(sp, ep, epp, coins);

  mlk_polyvec_ntt(sp);

  mlk_polyvec_mulcache_compute(sp_cache, sp);
  mlk_matvec_mul(b, &pk->at, sp, sp_cache);
  mlk_polyvec_basemul_acc_montgomery_cached(v, &pk->pkpv, sp, sp_cache);

  mlk_polyvec_invntt_tomont(b);
  mlk_poly_invntt_tomont(v);

  mlk_polyvec_add(b, ep);
  mlk_poly_add(v, epp);
  mlk_poly_add(v, k);

  mlk_polyvec_reduce(b);
  mlk_poly_reduce(v);

  mlk_pack_ciphertext(c, b, v);

  MLK_FREE(sp_cache, mlk_polyvec_mulcache, 1, NULL);
  MLK_FREE(epp, mlk_poly, 1, NULL);
  MLK_FREE(k, mlk_poly, 1, NULL);
  MLK_FREE(v, mlk_poly, 1, NULL);
  MLK_FREE(b, mlk_polyvec, 1, NULL);
  MLK_FREE(ep, mlk_polyvec, 1, NULL);
  MLK_FREE(sp, mlk_polyvec, 1, NULL);
}

/* ML-KEM.Encaps_internal(ek, m) on an expanded ek. */
void PQPAY_FN(enc_expanded)(uint8_t ct[MLKEM_INDCCA_CIPHERTEXTBYTES],
                            uint8_t ss[MLKEM_SSBYTES], const pqpay_mlkem_epk *pk,
                            const uint8_t coins[MLKEM_SYMBYTES])
{
  MLK_ALLOC(buf, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
  MLK_ALLOC(kr, uint8_t, 2 * MLKEM_SYMBYTES, NULL);

  mlk_memcpy(buf, coins, MLKEM_SYMBYTES);
  mlk_memcpy(buf + MLKEM_SYMBYTES, pk->hpk, MLKEM_SYMBYTES);
  mlk_hash_g(kr, buf, 2 * MLKEM_SYMBYTES);

  pqpay_indcpa_enc_expanded(ct, buf, pk, kr + MLKEM_SYMBYTES);

  mlk_memcpy(ss, kr, MLKEM_SYMBYTES);

  MLK_FREE(kr, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
  MLK_FREE(buf, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
}

/* ML-KEM.Decaps_internal(dk, c) on an expanded dk, with implicit rejection. */
void PQPAY_FN(dec_expanded)(uint8_t ss[MLKEM_SSBYTES],
                            const uint8_t ct[MLKEM_INDCCA_CIPHERTEXTBYTES],
                            const pqpay_mlkem_esk *sk)
{
  uint8_t fail;
  MLK_ALLOC(buf, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
  MLK_ALLOC(kr, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
  MLK_ALLOC(tmp, uint8_t, MLKEM_SYMBYTES + MLKEM_INDCCA_CIPHERTEXTBYTES, NULL);
  MLK_ALLOC(b, mlk_polyvec, 1, NULL);
  MLK_ALLOC(v, mlk_poly, 1, NULL);
  MLK_ALLOC(sb, mlk_poly, 1, NULL);
  MLK_ALLOC(b_cache, mlk_polyvec_mulcache, 1, NULL);

  /* mlk_indcpa_dec with s_hat already unpacked */
  mlk_unpack_ciphertext(b, v, ct);
  mlk_polyvec_ntt(b);
  mlk_polyvec_mulcache_compute(b_cache, b);
  mlk_polyvec_basemul_acc_montgomery_cached(sb, &sk->skpv, b, b_cache);
  mlk_poly_invntt_tomont(sb);
  mlk_poly_sub(v, sb);
  mlk_poly_reduce(v);
  mlk_poly_tomsg(buf, v);

  /* Multitarget countermeasure for coins + contributory KEM */
  mlk_memcpy(buf + MLKEM_SYMBYTES, sk->pub.hpk, MLKEM_SYMBYTES);
  mlk_hash_g(kr, buf, 2 * MLKEM_SYMBYTES);

  /* Recompute and compare ciphertext; coins are in kr + MLKEM_SYMBYTES */
  pqpay_indcpa_enc_expanded(tmp, buf, &sk->pub, kr + MLKEM_SYMBYTES);

  fail = mlk_ct_memcmp(ct, tmp, MLKEM_INDCCA_CIPHERTEXTBYTES);

  /* Compute rejection key */
  mlk_memcpy(tmp, sk->z, MLKEM_SYMBYTES);
  mlk_memcpy(tmp + MLKEM_SYMBYTES, ct, MLKEM_INDCCA_CIPHERTEXTBYTES);
  mlk_hash_j(ss, tmp, MLKEM_SYMBYTES + MLKEM_INDCCA_CIPHERTEXTBYTES);

  /* Copy true key to return buffer if fail is 0 */
  mlk_ct_cmov_zero(ss, kr, MLKEM_SYMBYTES, fail);

  MLK_FREE(b_cache, mlk_polyvec_mulcache, 1, NULL);
  MLK_FREE(sb, mlk_poly, 1, NULL);
  MLK_FREE(v, mlk_poly, 1, NULL);
  MLK_FREE(b, mlk_polyvec, 1, NULL);
  MLK_FREE(tmp, uint8_t, MLKEM_SYMBYTES + MLKEM_INDCCA_CIPHERTEXTBYTES, NULL);
  MLK_FREE(kr, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
  MLK_FREE(buf, uint8_t, 2 * MLKEM_SYMBYTES, NULL);
}
