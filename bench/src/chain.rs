//! The longest chain of sequential requests in a request log: the longest sequence of
//! requests each of which started after (or exactly when) the previous one finished. With
//! latency L per request it is the part of a run's wall time that concurrency cannot hide:
//! at least `chain × L`.

use std::time::SystemTime;

/// Exact longest chain over `(started_at, finished_at)` intervals: sort by start, then for
/// each request the best chain ending in it is one more than the best chain ending in any
/// request that finished no later than it started. O(n²), fine for a few thousand requests.
pub fn longest_chain(intervals: &[(SystemTime, SystemTime)]) -> usize {
    let mut sorted: Vec<(SystemTime, SystemTime)> = intervals.to_vec();
    sorted.sort();
    let mut best = vec![1usize; sorted.len()];
    for i in 0..sorted.len() {
        let (start, _) = sorted[i];
        for j in 0..i {
            if sorted[j].1 <= start && best[j] + 1 > best[i] {
                best[i] = best[j] + 1;
            }
        }
    }
    best.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    #[test]
    fn three_sequential_requests_are_a_chain_of_three() {
        // Given out of order, as the log records them by finish time.
        let log = [(at(60), at(85)), (at(0), at(25)), (at(30), at(55))];
        assert_eq!(longest_chain(&log), 3);
    }

    #[test]
    fn three_parallel_requests_are_a_chain_of_one() {
        let log = [(at(0), at(25)), (at(1), at(26)), (at(2), at(27))];
        assert_eq!(longest_chain(&log), 1);
    }

    #[test]
    fn a_list_then_parallel_pages_then_a_post() {
        // One page, 8 concurrent pages, one POST: 3 round trips.
        let mut log = vec![(at(0), at(25))];
        log.extend((0..8).map(|i| (at(26 + i), at(51 + i))));
        log.push((at(60), at(85)));
        assert_eq!(longest_chain(&log), 3);
        // Back to back (start == previous finish) still counts as sequential.
        assert_eq!(longest_chain(&[(at(0), at(10)), (at(10), at(20))]), 2);
        assert_eq!(longest_chain(&[]), 0);
    }
}
