/*
 * pqpay's ML-DSA engine: mldsa-native (the code of liboqs 0.15+ and AWS-LC) in one
 * compilation unit per parameter set, plus signing and verification over keys whose
 * public/secret parts were expanded once (A_hat, s1_hat, s2_hat, t0_hat, t1_hat * 2^d, tr).
 *
 * build.rs compiles this file six times: for ML-DSA-44/65/87 (MLD_CONFIG_PARAMETER_SET), once
 * portable (namespace pqpay_mldsa_ref_<level>) and, on x86_64, once with mldsa-native's AVX2
 * arithmetic backend, pqpay's Keccak as FIPS 202 backend (csrc/pqpay_mldsa_fips202.h) and
 * -mavx2 -mbmi2 -mpopcnt (namespace pqpay_mldsa_avx2_<level>). The Rust side (src/sig/mldsa_native.rs)
 * calls the AVX2 build only when the CPU has AVX2, BMI2 and POPCNT, so the wheel still runs
 * anywhere. Everything of mldsa-native is `static` here (MLD_CONFIG_*_API_QUALIFIER); only the
 * pqpay_* functions below are exported.
 *
 * The functions below follow mldsa-native's mld_sign_signature_internal and
 * mld_sign_verify_internal (src/sign.c) line by line; the only difference is that the matrix
 * expansion, skDecode + NTT of s1/s2/t0 and the unpacking + shift + NTT of t1 happen once in
 * *_expand and are reused.
 */

#include "src/common.h"

/* Which check ended each rejected attempt of the last signing in this thread. mldsa-native
 * declassifies every rejection check's outcome just before it branches on it (sign.c: the
 * ||z|| check per polynomial of z, then per polynomial of w0 the low-bits check and the ct0
 * check, then, with all norm checks passed, w0 and w1 before the hint-weight check), so its
 * declassification hook, empty in a normal build, is where the stage reached is noted: an
 * attempt that fails fails at the last stage noted. The outcomes are public by FIPS 204's
 * design; rust/ct compares signing times within one count of late (ct0 and hint-weight)
 * rejections, whose rates depend on t0, which FIPS 204 (Section 6.1) does not treat as secret.
 * One thread-local byte store per check; the literal comparisons fold at compile time. */
#define PQPAY_STAGE_Z 0
#define PQPAY_STAGE_W0 1
#define PQPAY_STAGE_CT0 2
#define PQPAY_STAGE_HINT 3
static __thread uint8_t pqpay_stage;
#define PQPAY_DECLASSIFIED(ptr, name) (__builtin_strcmp(#ptr, name) == 0)
#undef MLD_CT_TESTING_DECLASSIFY
#define MLD_CT_TESTING_DECLASSIFY(ptr, len)   \
  do                                          \
  {                                           \
    if (PQPAY_DECLASSIFIED(ptr, "&z_invalid")) \
      pqpay_stage = PQPAY_STAGE_Z;            \
    else if (PQPAY_DECLASSIFIED(ptr, "&w0_invalid")) \
      pqpay_stage = PQPAY_STAGE_W0;           \
    else if (PQPAY_DECLASSIFIED(ptr, "&h_invalid")) \
      pqpay_stage = PQPAY_STAGE_CT0;          \
    else if (PQPAY_DECLASSIFIED(ptr, "w1"))   \
      pqpay_stage = PQPAY_STAGE_HINT;         \
  } while (0)

#include "src/ct.c"
#include "src/debug.c"
#include "src/packing.c"
#include "src/poly.c"
#include "src/poly_kl.c"
#include "src/polyvec.c"
#include "src/polyvec_lazy.c"
#include "src/sign.c"

#include "src/fips202/fips202.c"
#include "src/fips202/fips202x4.c"
#include "src/fips202/keccakf1600.c"

#if defined(MLD_CONFIG_USE_NATIVE_BACKEND_ARITH)
#if !defined(MLD_SYS_X86_64)
#error "pqpay builds mldsa-native's native backend only on x86_64"
#endif
#include "src/native/x86_64/src/consts.c"
#include "src/native/x86_64/src/rej_uniform_avx2.c"
#include "src/native/x86_64/src/rej_uniform_eta2_avx2.c"
#include "src/native/x86_64/src/rej_uniform_eta4_avx2.c"
#include "src/native/x86_64/src/rej_uniform_table.c"
#endif
/* The AVX2 build's FIPS 202 backend is csrc/pqpay_mldsa_fips202.h (pqpay's Keccak, its own
 * library): nothing of mldsa-native's x86_64 FIPS 202 backend is compiled. */

#if defined(MLD_CONFIG_REDUCE_RAM) || defined(MLD_CONFIG_CONTEXT_PARAMETER) || \
    defined(MLD_MULTILEVEL_BUILD)
#error "pqpay_mldsa.c expects the default single-level, eager, context-free build"
#endif

/* pqpay_mldsa_<ref|avx2>_<44|65|87>_<name> (build.rs sets the prefix per variant and level) */
#define PQPAY_FN(name) MLD_NAMESPACE(name)

/* The signing key with everything that does not depend on the message precomputed. */
typedef struct
{
  mld_polymat mat;
  mld_sk_s1hat s1hat;
  mld_sk_s2hat s2hat;
  mld_sk_t0hat t0hat;
  uint8_t tr[MLDSA_TRBYTES];
  uint8_t key[MLDSA_SEEDBYTES];
} pqpay_sk_expanded;

/* The verification key, likewise: t1hat[i] = NTT(t1[i] * 2^d). */
typedef struct
{
  mld_polymat mat;
  mld_polyveck t1hat;
  uint8_t tr[MLDSA_TRBYTES];
} pqpay_pk_expanded;

/* What the rejection loop of one signing did: its iterations and, per stage (PQPAY_STAGE_*),
 * how many attempts that stage rejected. */
typedef struct
{
  uint16_t attempts;
  uint16_t rejected[4];
} pqpay_sign_trace;

size_t PQPAY_FN(sk_expanded_size)(void);
size_t PQPAY_FN(pk_expanded_size)(void);
int PQPAY_FN(keypair_from_seed)(uint8_t pk[MLDSA_CRYPTO_PUBLICKEYBYTES],
                      uint8_t sk[MLDSA_CRYPTO_SECRETKEYBYTES],
                      const uint8_t seed[MLDSA_SEEDBYTES]);
void PQPAY_FN(sk_expand)(pqpay_sk_expanded *out,
                         const uint8_t sk[MLDSA_CRYPTO_SECRETKEYBYTES]);
void PQPAY_FN(pk_expand)(pqpay_pk_expanded *out,
                         const uint8_t pk[MLDSA_CRYPTO_PUBLICKEYBYTES]);
int PQPAY_FN(sign_expanded)(uint8_t sig[MLDSA_CRYPTO_BYTES], const uint8_t *m,
                   size_t mlen, const uint8_t *pre, size_t prelen,
                   const uint8_t rnd[MLDSA_RNDBYTES],
                   const pqpay_sk_expanded *esk, int externalmu,
                   pqpay_sign_trace *trace);
int PQPAY_FN(verify_expanded)(const uint8_t *sig, size_t siglen, const uint8_t *m,
                     size_t mlen, const uint8_t *pre, size_t prelen,
                     const pqpay_pk_expanded *epk, int externalmu);

size_t PQPAY_FN(sk_expanded_size)(void) { return sizeof(pqpay_sk_expanded); }

size_t PQPAY_FN(pk_expanded_size)(void) { return sizeof(pqpay_pk_expanded); }

/* ML-DSA.KeyGen_internal(seed) (FIPS 204 Algorithm 6). */
int PQPAY_FN(keypair_from_seed)(uint8_t pk[MLDSA_CRYPTO_PUBLICKEYBYTES],
                      uint8_t sk[MLDSA_CRYPTO_SECRETKEYBYTES],
                      const uint8_t seed[MLDSA_SEEDBYTES])
{
  return mld_sign_keypair_internal(pk, sk, seed, NULL);
}

/* Algorithm 7 lines 1-5: skDecode, NTT(s1), NTT(s2), NTT(t0), ExpandA(rho). The caller has
 * checked the s1/s2 ranges of keys that did not come from KeyGen. */
void PQPAY_FN(sk_expand)(pqpay_sk_expanded *out,
                         const uint8_t sk[MLDSA_CRYPTO_SECRETKEYBYTES])
{
  MLD_ALIGN uint8_t rho[MLDSA_SEEDBYTES];
  mld_unpack_sk(rho, out->tr, out->key, &out->t0hat, &out->s1hat, &out->s2hat,
                sk);
  mld_polyvec_matrix_expand(&out->mat, rho);
  mld_zeroize(rho, sizeof(rho));
}

/* Algorithm 8 lines 1-5 for the parts that depend on pk only. */
void PQPAY_FN(pk_expand)(pqpay_pk_expanded *out,
                         const uint8_t pk[MLDSA_CRYPTO_PUBLICKEYBYTES])
{
  unsigned int i;
  mld_H(out->tr, MLDSA_TRBYTES, pk, MLDSA_CRYPTO_PUBLICKEYBYTES, NULL, 0, NULL,
        0);
  mld_polyvec_matrix_expand(&out->mat, pk);
  for (i = 0; i < MLDSA_K; ++i)
  {
    mld_unpack_pk_t1(&out->t1hat.vec[i], pk, i);
    mld_poly_shiftl(&out->t1hat.vec[i]);
    mld_poly_ntt(&out->t1hat.vec[i]);
  }
}

/* ML-DSA.Sign_internal from line 6 on (mu from tr || pre || m, or m = mu when externalmu);
 * mld_sign_signature_internal without its lines 1-5. Returns 0 or an MLD_ERR_* code; on
 * failure sig is zeroed. *trace gets the rejection loop's iterations and which check rejected
 * each failed attempt (public by FIPS 204's design; the constant-time harness compares
 * timings within one count). */
int PQPAY_FN(sign_expanded)(uint8_t sig[MLDSA_CRYPTO_BYTES], const uint8_t *m,
                   size_t mlen, const uint8_t *pre, size_t prelen,
                   const uint8_t rnd[MLDSA_RNDBYTES],
                   const pqpay_sk_expanded *esk, int externalmu,
                   pqpay_sign_trace *trace)
{
  int ret = MLD_ERR_SIGN_ATTEMPTS_EXHAUSTED;
  const uint16_t max_signing_attempts = mld_get_max_signing_attempts();
  uint16_t attempt;
  MLD_ALIGN uint8_t mu[MLDSA_CRHBYTES];
  MLD_ALIGN uint8_t rhoprime[MLDSA_CRHBYTES];

  if (!externalmu)
  {
    mld_H(mu, MLDSA_CRHBYTES, esk->tr, MLDSA_TRBYTES, pre, prelen, m, mlen);
  }
  else
  {
    mld_memcpy(mu, m, MLDSA_CRHBYTES);
  }
  mld_H(rhoprime, MLDSA_CRHBYTES, esk->key, MLDSA_SEEDBYTES, rnd,
        MLDSA_RNDBYTES, mu, MLDSA_CRHBYTES);
  mld_memset(trace, 0, sizeof(*trace));

  for (attempt = 0; attempt < max_signing_attempts; attempt++)
  {
    const uint16_t kappa = (uint16_t)(attempt * MLDSA_L);
    /* The eager (non-REDUCE_RAM) attempt only reads mat; the cast drops the const that
     * mldsa-native's prototype lacks. */
    ret = mld_attempt_signature_generation(sig, mu, rhoprime, kappa,
                                           (mld_polymat *)&esk->mat,
                                           &esk->s1hat, &esk->s2hat,
                                           &esk->t0hat);
    if (ret != MLD_ERR_FAIL)
    {
      break;
    }
    trace->rejected[pqpay_stage & 3]++;
    ret = MLD_ERR_SIGN_ATTEMPTS_EXHAUSTED;
  }
  trace->attempts =
      attempt < max_signing_attempts ? (uint16_t)(attempt + 1) : attempt;

  if (ret != 0)
  {
    mld_memset(sig, 0, MLDSA_CRYPTO_BYTES);
  }
  mld_zeroize(rhoprime, sizeof(rhoprime));
  mld_zeroize(mu, sizeof(mu));
  return ret;
}

/* ML-DSA.Verify_internal (Algorithm 8) with A_hat, t1_hat and tr from pk_expand: returns 0 when
 * the signature is valid. Includes the ||z||inf < gamma1 - beta check and the hint checks. */
int PQPAY_FN(verify_expanded)(const uint8_t *sig, size_t siglen, const uint8_t *m,
                     size_t mlen, const uint8_t *pre, size_t prelen,
                     const pqpay_pk_expanded *epk, int externalmu)
{
  int ret, cmp;
  unsigned int i;
  MLD_ALIGN uint8_t buf[MLDSA_K * MLDSA_POLYW1_PACKEDBYTES];
  MLD_ALIGN uint8_t mu[MLDSA_CRHBYTES];
  MLD_ALIGN uint8_t c[MLDSA_CTILDEBYTES];
  MLD_ALIGN uint8_t c2[MLDSA_CTILDEBYTES];
  mld_polyvecl z;
  mld_poly cp, w1, tmp;

  if (siglen != MLDSA_CRYPTO_BYTES)
  {
    return MLD_ERR_FAIL;
  }

  mld_memcpy(c, sig, MLDSA_CTILDEBYTES);
  mld_polyvecl_unpack_z(&z, sig + MLDSA_SIG_Z_OFFSET);
  if (mld_polyvecl_chknorm(&z, MLDSA_GAMMA1 - MLDSA_BETA))
  {
    return MLD_ERR_FAIL;
  }

  if (!externalmu)
  {
    mld_H(mu, MLDSA_CRHBYTES, epk->tr, MLDSA_TRBYTES, pre, prelen, m, mlen);
  }
  else
  {
    mld_memcpy(mu, m, MLDSA_CRHBYTES);
  }

  mld_polyvecl_ntt(&z);
  mld_poly_challenge(&cp, c);
  mld_poly_ntt(&cp);

  for (i = 0; i < MLDSA_K; ++i)
  {
    /* w1 = (A * z)_i in NTT domain */
    mld_polyvec_matrix_pointwise_montgomery_row(&w1, (mld_polymat *)&epk->mat,
                                                &z, i);
    /* tmp = c * t1_i * 2^d in NTT domain */
    tmp = epk->t1hat.vec[i];
    mld_poly_pointwise_montgomery(&tmp, &cp);
    /* w1 = invNTT(w1 - c * t1_i * 2^d) */
    mld_poly_sub(&w1, &tmp);
    mld_poly_reduce(&w1);
    mld_poly_invntt_tomont(&w1);
    mld_poly_caddq(&w1);

    ret = mld_sig_unpack_hints(&tmp, sig, i);
    if (ret != 0)
    {
      return MLD_ERR_FAIL;
    }
    mld_poly_use_hint(&w1, &tmp);
    mld_polyw1_pack(buf + i * MLDSA_POLYW1_PACKEDBYTES, &w1);
  }

  mld_H(c2, MLDSA_CTILDEBYTES, mu, MLDSA_CRHBYTES, buf,
        MLDSA_K * MLDSA_POLYW1_PACKEDBYTES, NULL, 0);
  cmp = mld_ct_memcmp(c, c2, MLDSA_CTILDEBYTES);
  return cmp == 0 ? 0 : MLD_ERR_FAIL;
}
