//! WOTS+ (FIPS 205 §5): message digits, hash chains run four at a time, and XMSS leaves
//! (WOTS+ public keys, Algorithm 6) four at a time.

use zeroize::{Zeroize, Zeroizing};

use super::address::{Adrs, AdrsType};
use super::hash::{Hasher, Node};
use super::params::ShakeParams;

/// w - 1: the steps of a full chain (w = 16).
const LAST: u32 = 15;
/// The largest len (n = 32).
pub(super) const MAX_LEN: usize = 67;

/// The chain lengths of a message (Algorithm 10 steps 1-7): base_2b(M, 4, len1) and the three
/// digits of the checksum.
pub(super) fn digits<P: ShakeParams>(msg: &Node) -> [u8; MAX_LEN] {
    let mut d = [0u8; MAX_LEN];
    for i in 0..P::N {
        let byte = msg[i / 8].to_le_bytes()[i % 8];
        d[2 * i] = byte >> 4;
        d[2 * i + 1] = byte & 15;
    }
    let mut csum: u32 = d[..P::LEN1].iter().map(|&x| LAST - u32::from(x)).sum();
    // (8 - len2 * lg_w mod 8) mod 8 = 4 zero bits, then the 16-bit checksum's top 12 bits.
    csum <<= 4;
    for (k, digit) in d[P::LEN1..P::LEN].iter_mut().enumerate() {
        *digit = ((csum >> (12 - 4 * k)) & 15) as u8;
    }
    d
}

/// One hash chain to run: `steps` applications of F from hash address `start`, on `value`.
/// With `capture` = c, the value after c steps is also kept in `captured` (a signature).
pub(super) struct Chain {
    pub(super) adrs: Adrs,
    pub(super) value: Node,
    pub(super) start: u32,
    pub(super) steps: u32,
    pub(super) capture: u32,
    pub(super) captured: Node,
    done: u32,
}

impl Chain {
    pub(super) fn new(adrs: Adrs, value: Node, start: u32, steps: u32) -> Self {
        Chain {
            adrs,
            value,
            start,
            steps,
            capture: u32::MAX,
            captured: [0; 4],
            done: 0,
        }
    }
}

impl Zeroize for Chain {
    fn zeroize(&mut self) {
        self.value.zeroize();
        self.captured.zeroize();
    }
}

/// The next job with steps to run, from `next` on (capturing those that need none).
fn take(jobs: &mut [Chain], next: &mut usize) -> Option<usize> {
    while *next < jobs.len() {
        let i = *next;
        *next += 1;
        let job = &mut jobs[i];
        if job.capture == 0 {
            job.captured = job.value;
        }
        if job.steps > 0 {
            return Some(i);
        }
    }
    None
}

/// Runs every chain of `jobs` (Algorithm 5), four chains per permutation: a lane whose chain
/// ends takes the next one, so chains of different lengths keep all four busy.
pub(super) fn run_chains(h: &mut Hasher, jobs: &mut [Chain]) {
    let n8 = h.n8();
    let mut next = 0;
    let mut slots: [Option<usize>; 4] = [None; 4];
    for s in slots.iter_mut() {
        *s = take(jobs, &mut next);
    }
    let mut vals = Zeroizing::new([[0u64; 4]; 4]);
    let mut outs = Zeroizing::new([[0u64; 4]; 4]);
    loop {
        let mut adrs = [Adrs::default(); 4];
        let mut which = [0usize; 4];
        let mut count = 0;
        for &i in slots.iter().flatten() {
            let job = &jobs[i];
            adrs[count] = job.adrs.hash(job.start + job.done);
            vals[count] = job.value;
            which[count] = i;
            count += 1;
        }
        if count == 0 {
            return;
        }
        let msgs: [&[u64]; 4] = [
            &vals[0][..n8],
            &vals[1][..n8],
            &vals[2][..n8],
            &vals[3][..n8],
        ];
        h.thash(&adrs[..count], &msgs[..count], &mut outs[..count]);
        for (&i, out) in which.iter().zip(outs.iter()).take(count) {
            let job = &mut jobs[i];
            job.value = *out;
            job.done += 1;
            if job.done == job.capture {
                job.captured = job.value;
            }
        }
        for s in slots.iter_mut() {
            if let Some(i) = *s {
                if jobs[i].done == jobs[i].steps {
                    *s = take(jobs, &mut next);
                }
            }
        }
    }
}

/// The WOTS+ signature to make while computing leaves: key pair `key_pair` signs `digits`.
pub(super) struct LeafSig<'a> {
    pub(super) key_pair: u32,
    pub(super) digits: &'a [u8; MAX_LEN],
    /// len values out.
    pub(super) sig: &'a mut [Node],
}

/// XMSS leaves `first..first + out.len()` of the tree at `tree` (an address with layer and
/// tree set): four WOTS+ key pairs at a time, each a full wots_pkGen (PRF, chains, T_len).
pub(super) fn leaves<P: ShakeParams>(
    h: &mut Hasher,
    sk_seed: &Node,
    tree: Adrs,
    first: u32,
    out: &mut [Node],
    mut sign: Option<LeafSig<'_>>,
) {
    let n8 = P::N8;
    let mut sks: Zeroizing<Vec<Node>> = Zeroizing::new(vec![[0u64; 4]; 4 * P::LEN]);
    let mut jobs: Zeroizing<Vec<Chain>> = Zeroizing::new(Vec::with_capacity(4 * P::LEN));
    let mut tops: Vec<u64> = vec![0; 4 * P::LEN * n8];
    let mut done = 0;
    while done < out.len() {
        let group = (out.len() - done).min(4);
        let kp0 = first + done as u32;
        let chains = group * P::LEN;
        h.thash_many(
            chains,
            n8,
            |i, buf| {
                buf.copy_from_slice(&sk_seed[..n8]);
                tree.typed(AdrsType::WotsPrf)
                    .key_pair(kp0 + (i / P::LEN) as u32)
                    .chain((i % P::LEN) as u32)
            },
            &mut sks[..chains],
        );
        jobs.clear();
        for (i, sk) in sks[..chains].iter().enumerate() {
            let kp = kp0 + (i / P::LEN) as u32;
            let adrs = tree
                .typed(AdrsType::WotsHash)
                .key_pair(kp)
                .chain((i % P::LEN) as u32);
            let mut job = Chain::new(adrs, *sk, 0, LAST);
            if let Some(s) = sign.as_ref().filter(|s| s.key_pair == kp) {
                job.capture = u32::from(s.digits[i % P::LEN]);
            }
            jobs.push(job);
        }
        run_chains(h, &mut jobs);
        if let Some(s) = sign.as_mut() {
            if (kp0..kp0 + group as u32).contains(&s.key_pair) {
                let base = (s.key_pair - kp0) as usize * P::LEN;
                for (o, job) in s.sig.iter_mut().zip(&jobs[base..base + P::LEN]) {
                    *o = job.captured;
                }
            }
        }
        for (i, job) in jobs.iter().enumerate() {
            tops[i * n8..(i + 1) * n8].copy_from_slice(&job.value[..n8]);
        }
        let stride = P::LEN * n8;
        let msgs: [&[u64]; 4] = [
            &tops[..stride],
            &tops[stride..2 * stride],
            &tops[2 * stride..3 * stride],
            &tops[3 * stride..4 * stride],
        ];
        let mut adrs = [Adrs::default(); 4];
        for (j, a) in adrs.iter_mut().enumerate().take(group) {
            *a = tree.typed(AdrsType::WotsPk).key_pair(kp0 + j as u32);
        }
        h.thash(&adrs[..group], &msgs[..group], &mut out[done..done + group]);
        done += group;
    }
}

/// wots_pkFromSig (Algorithm 8): the WOTS+ public key of key pair `key_pair` in `tree` that
/// `sig` (len values) signs `digits` under.
pub(super) fn pk_from_sig<P: ShakeParams>(
    h: &mut Hasher,
    sig: &[Node],
    digits: &[u8; MAX_LEN],
    tree: Adrs,
    key_pair: u32,
) -> Node {
    let n8 = P::N8;
    let mut jobs: Vec<Chain> = sig
        .iter()
        .zip(digits.iter())
        .take(P::LEN)
        .enumerate()
        .map(|(c, (value, &d))| {
            let adrs = tree
                .typed(AdrsType::WotsHash)
                .key_pair(key_pair)
                .chain(c as u32);
            Chain::new(adrs, *value, u32::from(d), LAST - u32::from(d))
        })
        .collect();
    run_chains(h, &mut jobs);
    let mut tops = vec![0u64; P::LEN * n8];
    for (i, job) in jobs.iter().enumerate() {
        tops[i * n8..(i + 1) * n8].copy_from_slice(&job.value[..n8]);
    }
    let mut pk = [[0u64; 4]; 1];
    let adrs = [tree.typed(AdrsType::WotsPk).key_pair(key_pair)];
    h.thash(&adrs, &[&tops[..]], &mut pk);
    pk[0]
}
