//! Work spread over scoped threads: each thread takes the next item when it is done with one, so a
//! large item or a busy core does not leave the others idle, and the results come back in input
//! order. Parsing and lowering the files of a workspace and laying out the views of a build use it;
//! the facts run two different jobs side by side with [`join`]. [`threads_for`] decides how many
//! threads a piece of work gets. [`map_owned_in_order_settled`] lets the calling thread take over
//! what the others allocated before they exit (see there why). No caller waits for a thread to
//! exit, only for its work to be done (see [`spawn_unjoined`]).

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::Scope;

/// Extra threads get the main thread's 8 MiB stack: the syntax passes are bounded in depth but
/// were sized for it.
const STACK: usize = 8 << 20;

/// How many threads `work` (in whatever unit the caller counts) gets: one below `parallel_from`,
/// where starting a thread would cost more than it saves, else one per core.
pub fn threads_for(work: usize, parallel_from: usize) -> usize {
    if work < parallel_from {
        1
    } else {
        cores()
    }
}

/// The cores this process may use, asked once per process: the standard library reads the
/// affinity mask and the cgroup's CPU quota (about twenty system calls, a fifth of a run's at
/// 1,000 components) on every call, and each parallel phase asked again.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The first panic of a job run on another thread, kept for the calling thread to resume.
type Panicked = Mutex<Option<Box<dyn Any + Send>>>;

/// Runs `job` on a new thread of `scope`, whose end waits for `job` to return but not for the
/// thread to exit: a joined thread's exit (the allocator handing back its heap, the C library
/// releasing its stack) took about 0.6 ms at 1,000 components, spent on the critical path of every
/// parallel phase. A panic of `job` is caught there and kept in `panicked` (resumed with
/// [`resume_panic`] once the scope has ended). When the thread cannot be started, `job` does not
/// run: each caller leaves its share of the work to the threads that do.
fn spawn_unjoined<'scope>(
    scope: &'scope Scope<'scope, '_>,
    panicked: &'scope Panicked,
    job: impl FnOnce() + Send + 'scope,
) {
    let run = move || {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(job)) {
            panicked.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(panic);
        }
    };
    // The handle is dropped at once: the scope still waits for `run` to return.
    let _ = std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, run);
}

/// Resumes the panic a job on another thread had, if it had one.
fn resume_panic(panicked: Panicked) {
    if let Some(panic) = panicked.into_inner().unwrap_or_else(PoisonError::into_inner) {
        resume_unwind(panic);
    }
}

/// `first` here and `second` on another thread when `threads` is more than one, else one after
/// the other. When `first` is done before the other thread has taken `second` (a busy machine
/// can start a thread a whole scheduler tick late), or the thread fails to start, `second` runs
/// here too, instead of the caller waiting for it.
pub fn join<A: Send, B: Send>(threads: usize, first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B) {
    if threads < 2 {
        let a = first();
        return (a, second());
    }
    // Whichever thread takes the job from its slot runs it; the other finds the slot empty.
    let second = Mutex::new(Some(second));
    let second_done: Mutex<Option<B>> = Mutex::new(None);
    let run_second = || {
        let job = second.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(job) = job {
            let b = job();
            *second_done.lock().unwrap_or_else(PoisonError::into_inner) = Some(b);
        }
    };
    let panicked = Panicked::default();
    let a = std::thread::scope(|scope| {
        spawn_unjoined(scope, &panicked, run_second);
        let a = first();
        run_second();
        a
    });
    resume_panic(panicked);
    match second_done.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(b) => (a, b),
        None => unreachable!("the second job ran exactly once, on one of the two threads"),
    }
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
    let parts = Mutex::new(Vec::with_capacity(threads));
    let panicked = Panicked::default();
    std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others.
        for _ in 1..threads {
            spawn_unjoined(scope, &panicked, || {
                let part = work();
                parts.lock().unwrap_or_else(PoisonError::into_inner).push(part);
            });
        }
        let part = work();
        parts.lock().unwrap_or_else(PoisonError::into_inner).push(part);
    });
    resume_panic(panicked);
    for (i, result) in parts.into_inner().unwrap_or_else(PoisonError::into_inner).into_iter().flatten() {
        slots[i] = Some(result);
    }
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

/// [`map_owned_in_order`], where each result computed on another thread is handed to `settle`
/// on the calling thread while that thread is still alive, as it comes in.
///
/// Why: the allocator (mimalloc) gives each thread its own pages. A block freed by another thread
/// waits on its page until the owner collects it, which a live thread does as it allocates and an
/// exiting thread does once; after the owner has exited, the page stays resident until some thread
/// happens to reclaim it. Results that hold temporaries the caller frees later (the per-file
/// lists of a lowered file, freed as the model is assembled) would otherwise leave their pages
/// resident, about 45 MiB at 100,000 components: `settle` moves such temporaries into the
/// calling thread's memory and frees the originals while their owner can still collect them.
pub fn map_owned_in_order_settled<T: Send, R: Send>(
    items: Vec<T>,
    threads: usize,
    f: impl Fn(T) -> R + Sync,
    mut settle: impl FnMut(&mut R),
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let count = items.len();
    // Each slot is taken exactly once, by the thread that took its index.
    let items: Vec<Mutex<Option<T>>> = items.into_iter().map(|item| Mutex::new(Some(item))).collect();
    let next = AtomicUsize::new(0);
    let take = || {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let item = items.get(i)?.lock().unwrap_or_else(PoisonError::into_inner).take();
        Some((i, item))
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(count).collect();
    let (results, arrived) = crossbeam_channel::unbounded::<(usize, R)>();
    // Dropped once every result is settled: the other threads wait for it before exiting.
    let (release, released) = crossbeam_channel::bounded::<()>(0);
    let panicked = Panicked::default();
    std::thread::scope(|scope| {
        let worker = |results: crossbeam_channel::Sender<(usize, R)>| {
            let (take, f, released) = (&take, &f, released.clone());
            move || {
                let work = || {
                    while let Some((i, item)) = take() {
                        if let Some(item) = item {
                            // The caller has stopped listening only when it is unwinding.
                            if results.send((i, f(item))).is_err() {
                                return;
                            }
                        }
                    }
                };
                // Caught here rather than by `spawn_unjoined`: the caller waits for every sender
                // to be dropped, this thread for `release`.
                let outcome = catch_unwind(AssertUnwindSafe(work));
                drop(results);
                if let Err(panic) = outcome {
                    resume_unwind(panic);
                }
                // Returns once `release` is dropped.
                let _ = released.recv();
            }
        };
        // A thread that cannot be started leaves its share to the others.
        for _ in 1..threads {
            spawn_unjoined(scope, &panicked, worker(results.clone()));
        }
        drop(results);
        let mut settle_arrived = |slots: &mut Vec<Option<R>>, (i, mut r): (usize, R)| {
            settle(&mut r);
            slots[i] = Some(r);
        };
        while let Some((i, item)) = take() {
            if let Some(item) = item {
                slots[i] = Some(f(item));
            }
            while let Ok(done) = arrived.try_recv() {
                settle_arrived(&mut slots, done);
            }
        }
        // Every other thread drops its sender when it is done (or has panicked).
        while let Ok(done) = arrived.recv() {
            settle_arrived(&mut slots, done);
        }
        drop(release);
    });
    resume_panic(panicked);
    // Every index was taken by exactly one thread, and every thread finished.
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message of a panic caught on the calling thread.
    fn panic_message(run: impl FnOnce()) -> String {
        let panic = std::panic::catch_unwind(AssertUnwindSafe(run)).expect_err("the panic reaches the caller");
        match (panic.downcast_ref::<String>(), panic.downcast_ref::<&str>()) {
            (Some(s), _) => s.clone(),
            (_, Some(s)) => s.to_string(),
            _ => String::new(),
        }
    }

    #[test]
    fn a_panic_on_another_thread_reaches_the_caller_with_its_message() {
        let items: Vec<u64> = (0..64).collect();
        let fail_at_40 = |x: &u64| {
            std::thread::sleep(std::time::Duration::from_micros(50));
            assert!(*x != 40, "item {x} failed");
            *x
        };
        assert_eq!(panic_message(|| drop(map_in_order(&items, 2, fail_at_40))), "item 40 failed");
        let owned = |x: u64| fail_at_40(&x);
        assert_eq!(
            panic_message(|| drop(map_owned_in_order_settled(items.clone(), 2, owned, |_| {}))),
            "item 40 failed"
        );
        let second = || -> u64 { panic!("second failed") };
        assert_eq!(
            panic_message(|| {
                join(2, || 1, second);
            }),
            "second failed"
        );
        assert_eq!(join(2, || 1, || 2), (1, 2));
    }

    #[test]
    fn join_runs_the_second_job_exactly_once_whichever_thread_takes_it() {
        // The caller takes the job whenever its own is done first: both paths occur over a run.
        for i in 0..200_usize {
            let runs = AtomicUsize::new(0);
            let (a, b) = join(
                2,
                || i * 2,
                || {
                    runs.fetch_add(1, Ordering::Relaxed);
                    i * 3
                },
            );
            assert_eq!((a, b, runs.load(Ordering::Relaxed)), (i * 2, i * 3, 1));
        }
    }

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

    #[test]
    fn settled_results_come_back_in_input_order_each_settled_once_on_the_calling_thread() {
        let items = || (0..200u64).map(|x| vec![x; (x % 5) as usize]).collect::<Vec<_>>();
        let caller = std::thread::current().id();
        let total = |v: Vec<u64>| {
            std::thread::sleep(std::time::Duration::from_micros(v.len() as u64 * 40));
            (v.len(), v.into_iter().sum::<u64>(), std::thread::current().id(), 0)
        };
        let sequential: Vec<(usize, u64)> =
            map_owned_in_order(items(), 1, total).into_iter().map(|(n, sum, _, _)| (n, sum)).collect();
        let mut settled = 0;
        let threaded = map_owned_in_order_settled(items(), 3, total, |r| {
            assert_eq!(std::thread::current().id(), caller, "settled on the calling thread");
            assert_ne!(r.2, caller, "only what other threads computed is settled");
            r.3 += 1;
            settled += 1;
        });
        assert_eq!(threaded.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(), sequential);
        assert!(threaded.iter().all(|r| r.3 == usize::from(r.2 != caller)), "each settled at most once");
        assert_eq!(settled, threaded.iter().filter(|r| r.2 != caller).count());
        assert!(map_owned_in_order_settled(Vec::<Vec<u64>>::new(), 3, total, |_| {}).is_empty());
    }
}
