//! Batch helpers: run one operation over many inputs on every core (also used by the signature
//! and Groth16 batch verifiers).

use crate::{Error, Result};

/// Applies `f` to every item, in order, on up to `available_parallelism` threads.
/// Stops at the first error.
pub fn map_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    if items.len() < 4 {
        return items.iter().map(&f).collect();
    }
    map_chunks_parallel(items, 1, |chunk| chunk.iter().map(&f).collect())
}

/// Splits `items` into one chunk per core (each at least `min_chunk` long), runs `f` on every
/// chunk on its own thread and concatenates the results in order. When one chunk covers every
/// item, `f` runs on the calling thread. Stops at the first error.
pub fn map_chunks_parallel<T: Sync, R: Send>(
    items: &[T],
    min_chunk: usize,
    f: impl Fn(&[T]) -> Result<Vec<R>> + Sync,
) -> Result<Vec<R>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let chunk = items.len().div_ceil(threads).max(min_chunk).max(1);
    if items.len() <= chunk {
        return f(items);
    }
    let f = &f;
    let parts: Vec<Result<Vec<R>>> = std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(chunk).map(|c| s.spawn(move || f(c))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Internal("a batch worker thread failed".into())))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}
