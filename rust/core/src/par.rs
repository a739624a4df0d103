//! Batch work on every core: one operation over many inputs, run on one shared pool (the one
//! pool the Merkle builders use too). The pool has one thread per core (`RAYON_NUM_THREADS`
//! overrides) and is shared by every call, so concurrent batch calls from many server threads
//! queue for the same workers instead of each spawning a thread per core. A batch call's own
//! thread works on it too, beside the workers (see [`run_parts`]).
//!
//! The pool is ours, not rayon's global one: rayon remembers a global pool that failed to start
//! (a thread limit, memory pressure) and fails every later call for the life of the process.
//! Ours is built on first use; when building fails the work runs on the calling thread and the
//! next call tries again.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::try_vec;
use crate::{Error, Result};

static POOL: Mutex<Option<Arc<ThreadPool>>> = Mutex::new(None);

/// The shared pool, built on first use; None when it cannot be started now.
fn pool() -> Option<Arc<ThreadPool>> {
    // A poisoned lock only means a thread panicked while holding it; the Option is still valid.
    let mut slot = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(pool) = slot.as_ref() {
        return Some(Arc::clone(pool));
    }
    let built = Arc::new(
        ThreadPoolBuilder::new()
            .thread_name(|i| format!("pqpay-batch-{i}"))
            .build()
            .ok()?,
    );
    *slot = Some(Arc::clone(&built));
    Some(built)
}

/// Runs `op(true)` on the shared pool, where its parallel iterators and `rayon::join`s use the
/// pool's threads, or `op(false)` on the calling thread when the pool cannot be started: `op`
/// must then do its work sequentially (no rayon call, which would reach rayon's global pool).
pub fn install<R: Send>(op: impl FnOnce(bool) -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(|| op(true)),
        None => op(false),
    }
}

/// Applies `f` to every item, in order, spread over the pool. Stops at the first error.
pub fn map_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    if items.len() < 4 {
        return items.iter().map(&f).collect();
    }
    map_chunks_parallel(items, 1, |chunk| chunk.iter().map(&f).collect())
}

/// Splits `items` into one chunk per pool thread (each at least `min_chunk` long), runs `f` on
/// every chunk (see [`run_parts`]: the calling thread and the pool's workers take them in turn)
/// and concatenates the results in order. When one chunk covers every item, or the pool cannot be
/// started, `f` runs on the calling thread over all of them. A chunk that panics is
/// [`Error::Internal`] (the pool would otherwise re-raise the panic in the caller); otherwise
/// the first error is returned.
pub fn map_chunks_parallel<T: Sync, R: Send>(
    items: &[T],
    min_chunk: usize,
    f: impl Fn(&[T]) -> Result<Vec<R>> + Sync,
) -> Result<Vec<R>> {
    let Some(pool) = pool() else {
        return f(items);
    };
    let chunk = items
        .len()
        .div_ceil(pool.current_num_threads())
        .max(min_chunk)
        .max(1);
    if items.len() <= chunk {
        return f(items);
    }
    let mut results: Vec<Option<Result<Vec<R>>>> =
        try_vec("the batch's chunks", items.len().div_ceil(chunk))?;
    results.resize_with(items.len().div_ceil(chunk), || None);
    let mut parts = try_vec("the batch's chunks", results.len())?;
    parts.extend(items.chunks(chunk).zip(results.iter_mut()));
    run_parts(&pool, parts, |(items, result)| {
        *result = Some(guarded(|| f(items)));
    })?;
    let mut out = try_vec("the batch results", items.len())?;
    for r in results {
        out.extend(r.unwrap_or_else(|| Err(Error::Internal("a batch chunk did not run".into())))?);
    }
    Ok(out)
}

/// Runs `job` on every part, in turns taken by the calling thread and the pool's workers, and
/// returns when all are done.
///
/// The caller works instead of only waiting, and parts are taken one at a time rather than
/// dealt out in fixed shares: a pool worker asleep when the batch starts (waking one costs tens
/// of microseconds on a virtual machine, as much as a few small operations) joins late without
/// leaving its share to be done after everyone else, a batch still progresses when every worker
/// is busy with other callers' batches, and at the end the caller spins (for at most
/// [`SPIN_AT_END`]) for the part a worker is finishing rather than sleeping and being woken.
/// A part `job` panics on is `job`'s to catch (see [`guarded`]).
fn run_parts<P: Send>(pool: &ThreadPool, parts: Vec<P>, job: impl Fn(P) + Sync) -> Result<()> {
    let total = parts.len();
    let mut slots = try_vec("the batch's parts", total)?;
    slots.extend(parts.into_iter().map(|p| Mutex::new(Some(p))));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let work = || loop {
        let Some(slot) = slots.get(next.fetch_add(1, Ordering::Relaxed)) else {
            return;
        };
        // Each slot is taken exactly once (its index is handed out once): never contended.
        let part = slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(part) = part {
            job(part);
        }
        done.fetch_add(1, Ordering::Release);
    };
    let helpers = pool.current_num_threads().min(total.saturating_sub(1));
    pool.in_place_scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|_| work());
        }
        work();
        let started = Instant::now();
        while done.load(Ordering::Acquire) < total && started.elapsed() < SPIN_AT_END {
            for _ in 0..64 {
                std::hint::spin_loop();
            }
        }
    });
    Ok(())
}

/// How long a batch's caller spins for the pool's last parts before it sleeps until they are
/// done (and has to be woken).
const SPIN_AT_END: Duration = Duration::from_micros(200);

/// The length of the parts a batch over `len` items is cut into: several per thread, so
/// threads that start late or run slower even out, each long enough that taking it costs
/// nothing measurable.
fn part_len(len: usize, threads: usize) -> usize {
    len.div_ceil(threads.max(1) * 32).max(1)
}

/// `f()`, with a panic turned into [`Error::Internal`].
fn guarded<R>(f: impl FnOnce() -> Result<R>) -> Result<R> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::Internal("a batch worker failed".into())))
}

/// Runs `f(item, slot)` for every item and its output slot (`outputs[i]` for `items[i]`), in
/// parts taken by the calling thread and the pool's workers (see [`run_parts`]), the form for
/// work whose outputs the caller allocated: nothing is allocated on the pool threads here (no per-chunk results, no error list), so the only
/// allocations there are what `f` makes, and an engine that writes into its slot makes none.
/// That matters under an address-space limit, where a pool thread's first allocation wants a
/// new malloc arena and a failed Rust allocation aborts the process.
///
/// The first error in item order wins, as in [`map_chunks_parallel`] (a chunk stops at its own
/// first error; slots after it are left as they were); a panicking chunk is
/// [`Error::Internal`]. `outputs` must have one slot per item.
pub fn fill_parallel<T: Sync, O: Send>(
    items: &[T],
    outputs: &mut [O],
    f: impl Fn(&T, &mut O) -> Result<()> + Sync,
) -> Result<()> {
    if items.len() != outputs.len() {
        return Err(Error::Internal(
            "a batch has a different number of items and output slots".into(),
        ));
    }
    let run = |items: &[T], outputs: &mut [O]| -> Result<()> {
        for (item, out) in items.iter().zip(outputs.iter_mut()) {
            f(item, out)?;
        }
        Ok(())
    };
    let pool = match pool() {
        Some(pool) if items.len() >= 4 => pool,
        _ => return run(items, outputs),
    };
    let chunk = part_len(items.len(), pool.current_num_threads() + 1);
    // The lowest-numbered failed chunk and its error: a lock, not a Vec of per-chunk results.
    let first_error: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    let mut parts = try_vec("the batch's parts", items.len().div_ceil(chunk))?;
    parts.extend(
        items
            .chunks(chunk)
            .zip(outputs.chunks_mut(chunk))
            .enumerate(),
    );
    run_parts(&pool, parts, |(index, (items, outputs))| {
        if let Err(e) = guarded(|| run(items, outputs)) {
            let mut slot = first_error
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if slot.as_ref().is_none_or(|(first, _)| index < *first) {
                *slot = Some((index, e));
            }
        }
    })?;
    match first_error
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
    {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_and_the_first_error_wins() {
        let items: Vec<u32> = (0..1000).collect();
        let out = map_parallel(&items, |&x| Ok(x * 2)).unwrap();
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        let err = map_parallel(&items, |&x| {
            if x >= 500 {
                Err(Error::InvalidArgument(format!("item {x}")))
            } else {
                Ok(x)
            }
        });
        assert!(matches!(err, Err(Error::InvalidArgument(_))));
        assert!(map_parallel(&[] as &[u32], |&x| Ok(x)).unwrap().is_empty());
    }

    #[test]
    fn a_panicking_worker_is_an_internal_error() {
        let items: Vec<u32> = (0..64).collect();
        let got = map_chunks_parallel(&items, 1, |chunk| {
            if chunk.contains(&63) {
                panic!("worker bug");
            }
            Ok(chunk.to_vec())
        });
        assert!(matches!(got, Err(Error::Internal(_))), "{got:?}");
    }

    #[test]
    fn batch_calls_run_on_the_caller_and_the_shared_pool() {
        // Every part runs on the calling thread or a pool worker: no thread is spawned per call
        // (a thread-per-chunk helper fails this). Parts are small enough that, on a multi-core
        // machine, the workers take some of them.
        let caller = std::thread::current().id();
        let items: Vec<u32> = (0..256).collect();
        let mut out = vec![(false, false); items.len()];
        fill_parallel(&items, &mut out, |_, o| {
            // Items slow enough that a worker has time to wake up and join.
            std::thread::sleep(std::time::Duration::from_micros(200));
            *o = (
                std::thread::current().id() == caller,
                rayon::current_thread_index().is_some(),
            );
            Ok(())
        })
        .unwrap();
        assert!(out.iter().all(|&(on_caller, on_pool)| on_caller != on_pool));
        assert!(out.iter().any(|&(on_caller, _)| on_caller));
        if pool().map_or(0, |p| p.current_num_threads()) > 1 {
            assert!(out.iter().any(|&(_, on_pool)| on_pool));
        }
    }

    #[test]
    fn install_runs_on_the_pool_and_says_so() {
        let (parallel, on_worker) = install(|parallel| (parallel, rayon::current_thread_index()));
        assert!(parallel);
        assert!(on_worker.is_some());
    }

    #[test]
    fn fill_keeps_order_and_the_first_error_in_item_order_wins() {
        let items: Vec<u32> = (0..1000).collect();
        let mut out = vec![0u32; items.len()];
        fill_parallel(&items, &mut out, |&x, o| {
            *o = x * 3;
            Ok(())
        })
        .unwrap();
        assert_eq!(out, items.iter().map(|x| x * 3).collect::<Vec<_>>());
        // Failures in several chunks: the lowest item's error is the one reported.
        let got = fill_parallel(&items, &mut out, |&x, _| {
            if x % 300 == 299 {
                Err(Error::InvalidArgument(format!("item {x}")))
            } else {
                Ok(())
            }
        });
        assert_eq!(got, Err(Error::InvalidArgument("item 299".into())));
        assert!(fill_parallel(&[] as &[u32], &mut [] as &mut [u32], |_, _| Ok(())).is_ok());
        assert!(matches!(
            fill_parallel(&items, &mut out[1..], |_, _| Ok(())),
            Err(Error::Internal(_))
        ));
    }

    #[test]
    fn a_panicking_fill_worker_is_an_internal_error() {
        let items: Vec<u32> = (0..64).collect();
        let mut out = vec![0u32; 64];
        let got = fill_parallel(&items, &mut out, |&x, _| {
            if x == 63 {
                panic!("worker bug");
            }
            Ok(())
        });
        assert!(matches!(got, Err(Error::Internal(_))), "{got:?}");
    }
}
