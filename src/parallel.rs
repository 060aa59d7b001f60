//! Work spread over scoped threads: each thread takes the next item when it is done with one, so a
//! large item or a busy core does not leave the others idle, and the results come back in input
//! order. Parsing and lowering the files of a workspace and laying out the views of a build use it;
//! the facts run two different jobs side by side with [`join`]. [`threads_for`] decides how many
//! threads a piece of work gets.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Extra threads get the main thread's 8 MiB stack: the syntax passes are bounded in depth but
/// were sized for it.
const STACK: usize = 8 << 20;

/// How many threads `work` (in whatever unit the caller counts) gets: one below `parallel_from`,
/// where starting a thread would cost more than it saves, else one per core.
pub fn threads_for(work: usize, parallel_from: usize) -> usize {
    if work < parallel_from {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// `first` here and `second` on another thread when `threads` is more than one, else one after
/// the other. Should the thread fail to start, `second` runs here too.
pub fn join<A: Send, B: Send>(threads: usize, first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B) {
    if threads < 2 {
        let a = first();
        return (a, second());
    }
    let second = std::sync::Mutex::new(Some(second));
    let run_second = || second.lock().ok().and_then(|mut job| job.take()).map(|job| job());
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, run_second).ok();
        let a = first();
        let b = match handle.map(|h| h.join()) {
            Some(Ok(Some(b))) => b,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            // Not started: the job is still in its slot.
            _ => match run_second() {
                Some(b) => b,
                None => unreachable!("the second job runs exactly once"),
            },
        };
        (a, b)
    })
}

/// `f` of every item, in input order, computed on up to `threads` threads (the calling thread is
/// one of them).
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
            .filter_map(|_| std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, work).ok())
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

/// Like [`map_in_order`], but each call owns its item, so that a thread can free what it is done
/// with (a syntax tree once lowered) while the others work.
pub fn map_owned_in_order<T: Send, R: Send>(items: Vec<T>, threads: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    if threads <= 1 || items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    // Each slot is taken exactly once, by the thread that took its index.
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|item| Mutex::new(Some(item))).collect();
    map_in_order(&slots, threads, |slot| {
        let item = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        item.map(&f)
    })
    .into_iter()
    .flatten()
    .collect()
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

    #[test]
    fn owned_items_come_back_in_input_order_whatever_the_thread_count() {
        let items = || (0..200u64).map(|x| vec![x; (x % 5) as usize]).collect::<Vec<_>>();
        let total = |v: Vec<u64>| {
            std::thread::sleep(std::time::Duration::from_micros(v.len() as u64 * 40));
            (v.len(), v.into_iter().sum::<u64>())
        };
        let sequential = map_owned_in_order(items(), 1, total);
        assert_eq!(sequential[7], (2, 14));
        assert_eq!(map_owned_in_order(items(), 3, total), sequential);
        assert!(map_owned_in_order(Vec::<Vec<u64>>::new(), 3, total).is_empty());
    }
}
