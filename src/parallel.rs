//! Work spread over scoped threads: each thread takes the next item when it is done with one, so a
//! large item or a busy core does not leave the others idle, and the results come back in input
//! order. Parsing the files of a workspace and laying out the views of a build both use it.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in input order, computed on up to `threads` threads (the calling thread is
/// one of them). Extra threads get the main thread's 8 MiB stack: the syntax passes are bounded in
/// depth but were sized for it.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { return done };
            done.push((i, f(item)));
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others.
        let handles: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().stack_size(8 << 20).spawn_scoped(scope, work).ok())
            .collect();
        let mut parts = vec![work()];
        for h in handles {
            match h.join() {
                Ok(part) => parts.push(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        for (i, result) in parts.into_iter().flatten() {
            slots[i] = Some(result);
        }
    });
    // Every index was taken by exactly one thread, and every thread finished.
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..200).collect();
        let square = |x: &u64| {
            // Uneven work, so that threads finish out of order.
            std::thread::sleep(std::time::Duration::from_micros(x % 7 * 50));
            x * x
        };
        let sequential = map_in_order(&items, 1, square);
        assert_eq!(sequential, items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert_eq!(map_in_order(&items, 4, square), sequential);
        assert_eq!(map_in_order(&[] as &[u64], 4, square), Vec::<u64>::new());
    }
}
