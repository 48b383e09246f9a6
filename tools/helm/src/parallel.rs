//! Independent pieces of work on a few threads, with their results in a fixed order, so that
//! what comes out (files, and which error is reported first) does not depend on the threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to every item, on at most `max_threads` threads (the calling thread among
/// them, and never more than the machine runs at once); the results in the order of `items`.
/// Each thread takes the next item as soon as it is done with its last, so a long item does
/// not hold up the short ones: put the longest first.
pub fn map<T: Sync, R: Send>(items: &[T], max_threads: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(max_threads).min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else { return done };
            done.push((index, work(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(&run)).collect();
        let mut results = run();
        for helper in helpers {
            results.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        results
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_items() {
        let items: Vec<u64> = (0..200).collect();
        // Uneven work, so threads finish out of order.
        let work = |n: &u64| {
            std::hint::black_box((0..(n % 7) * 10_000).map(|i| i % 3).sum::<u64>());
            *n
        };
        assert_eq!(map(&items, 4, work), items);
        assert_eq!(map(&items, 1, work), items);
        assert!(map(&[] as &[u64], 4, work).is_empty());
    }
}
