//! Batches: many glyphs through one engine, one worker per core. Each worker takes the next
//! glyph, so preparation, region building and writing overlap while the field passes share
//! the engine (and its one GPU queue).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `job(i)` for every `i` in `0..count` on one worker per core and returns the
/// results in index order; `progress(done, count)` is called after each job.
pub fn map_batch<T: Send>(
    count: usize,
    job: impl Fn(usize) -> T + Sync,
    progress: impl Fn(usize, usize) + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, count.max(1));
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        mine.push((i, job(i)));
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, count);
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, t)| t).collect()
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
