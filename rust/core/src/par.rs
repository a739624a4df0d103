//! Batch work on every core: one operation over many inputs, run on rayon's global pool (the one
//! pool the Merkle builders use too). The pool has one thread per core and is shared by every
//! call, so concurrent batch calls from many server threads queue for the same workers instead
//! of each spawning a thread per core.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::{Error, Result};

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
/// item, `f` runs on the calling thread. A chunk that panics is [`Error::Internal`] (the pool
/// would otherwise re-raise the panic in the caller); otherwise the first error is returned.
pub fn map_chunks_parallel<T: Sync, R: Send>(
    items: &[T],
    min_chunk: usize,
    f: impl Fn(&[T]) -> Result<Vec<R>> + Sync,
) -> Result<Vec<R>> {
    let chunk = items
        .len()
        .div_ceil(rayon::current_num_threads())
        .max(min_chunk)
        .max(1);
    if items.len() <= chunk {
        return f(items);
    }
    let parts: Vec<Result<Vec<R>>> = items
        .par_chunks(chunk)
        .map(|c| {
            catch_unwind(AssertUnwindSafe(|| f(c)))
                .unwrap_or_else(|_| Err(Error::Internal("a batch worker failed".into())))
        })
        .collect();
    let mut out = Vec::with_capacity(items.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
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
        if rayon::current_num_threads() > 1 {
            assert!(on_pool.iter().all(|&b| b));
        }
    }
}
