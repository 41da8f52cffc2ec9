//! Batches: many glyphs through one engine on rayon's workers. Work stealing hands each
//! idle worker the next glyph, so preparation, region building and writing overlap while
//! the field passes share the engine (and its one GPU queue), and no worker idles while
//! another still holds a queue of glyphs. The pool is rayon's global one, sized once per
//! process; the CPU twins' rows run on the same workers.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// Calls `job(i)` for every `i` in `0..count` on rayon's workers and returns the results
/// in index order; `progress(done, count)` is called after each job.
pub fn map_batch<T: Send>(
    count: usize,
    job: impl Fn(usize) -> T + Sync + Send,
    progress: impl Fn(usize, usize) + Sync + Send,
) -> Vec<T> {
    let done = AtomicUsize::new(0);
    (0..count)
        .into_par_iter()
        .with_max_len(1)
        .map(|i| {
            let out = job(i);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, count);
            out
        })
        .collect()
}

/// Worker threads in the pool that batches and the CPU twins run on.
pub fn workers() -> usize {
    rayon::current_num_threads()
}

#[cfg(test)]
mod tests {
    use super::map_batch;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_come_back_in_index_order_and_progress_counts_every_job() {
        let calls = AtomicUsize::new(0);
        let out = map_batch(
            97,
            |i| {
                // Uneven work so workers finish out of order.
                std::thread::sleep(std::time::Duration::from_micros(
                    ((i * 37) % 11) as u64 * 50,
                ));
                i * 2
            },
            |done, total| {
                assert!(done <= total);
                calls.fetch_add(1, Ordering::Relaxed);
            },
        );
        assert_eq!(out, (0..97).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::Relaxed), 97);
        assert!(map_batch(0, |i| i, |_, _| {}).is_empty());
    }
}
