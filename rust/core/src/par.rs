//! Batch work on every core: one operation over many inputs, run on one shared pool (the one
//! pool the Merkle builders use too). The pool has one thread per core (`RAYON_NUM_THREADS`
//! overrides) and is shared by every call, so concurrent batch calls from many server threads
//! queue for the same workers instead of each spawning a thread per core.
//!
//! The pool is ours, not rayon's global one: rayon remembers a global pool that failed to start
//! (a thread limit, memory pressure) and fails every later call for the life of the process.
//! Ours is built on first use; when building fails the work runs on the calling thread and the
//! next call tries again.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
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
/// every chunk in the pool and concatenates the results in order. When one chunk covers every
/// item, or the pool cannot be started, `f` runs on the calling thread over all of them. A chunk
/// that panics is [`Error::Internal`] (the pool would otherwise re-raise the panic in the
/// caller); otherwise the first error is returned.
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
    let parts: Vec<Result<Vec<R>>> = pool.install(|| {
        items
            .par_chunks(chunk)
            .map(|c| {
                catch_unwind(AssertUnwindSafe(|| f(c)))
                    .unwrap_or_else(|_| Err(Error::Internal("a batch worker failed".into())))
            })
            .collect()
    });
    let mut out = try_vec("the batch results", items.len())?;
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// Runs `f(item, slot)` for every item and its output slot (`outputs[i]` for `items[i]`), in
/// chunks spread over the pool, the form for work whose outputs the caller allocated: nothing
/// is allocated on the pool threads here (no per-chunk results, no error list), so the only
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
    let chunk = items.len().div_ceil(pool.current_num_threads()).max(1);
    if items.len() <= chunk {
        return run(items, outputs);
    }
    // The lowest-numbered failed chunk and its error: a lock, not a Vec of per-chunk results.
    let first_error: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    pool.install(|| {
        items
            .par_chunks(chunk)
            .zip(outputs.par_chunks_mut(chunk))
            .enumerate()
            .for_each(|(index, (items, outputs))| {
                let result = catch_unwind(AssertUnwindSafe(|| run(items, outputs)))
                    .unwrap_or_else(|_| Err(Error::Internal("a batch worker failed".into())));
                if let Err(e) = result {
                    let mut slot = first_error
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    if slot.as_ref().is_none_or(|(first, _)| index < *first) {
                        *slot = Some((index, e));
                    }
                }
            });
    });
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
    fn batch_calls_run_on_the_shared_pool() {
        // Every chunk runs on a rayon worker (or the caller, for one chunk): no thread is
        // spawned per call. A thread-per-chunk helper fails this on a multi-core machine.
        let items: Vec<u32> = (0..64).collect();
        let on_pool = map_chunks_parallel(&items, 1, |chunk| {
            Ok(vec![rayon::current_thread_index().is_some(); chunk.len()])
        })
        .unwrap();
        if pool().map_or(0, |p| p.current_num_threads()) > 1 {
            assert!(on_pool.iter().all(|&b| b));
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
