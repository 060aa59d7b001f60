//! The `archc` binary: parse arguments, tune the allocator, run the command, exit with its code.

// mimalloc instead of the system allocator: measured side by side, `archc check` took 0.8x the
// time at 10,000 and 100,000 components and 0.68x the peak memory at 100,000 (glibc kept the
// parsing threads' arenas); start-up on a one-file workspace went from 1.8 to 2.3 ms.
// Its v2 line (Cargo feature `v2`) rather than v3: v3 keeps freed pages for a second before
// returning them, so the freed syntax trees were still resident while the facts were built; at
// 100,000 components v2 peaked at about 830 MiB against 955 for v3, at the same speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    allocator::tune();
    archc::pipeline::on_phase_boundary(allocator::return_freed_pages);
    let code = archc::cli::main(std::env::args_os().collect());
    std::process::exit(code);
}

/// The one place in archc that calls foreign code (see ARCHITECTURE.md, "Unsafe code").
#[allow(unsafe_code)]
mod allocator {
    use std::ffi::{c_int, c_long};

    /// Option numbers of mimalloc v2's `mi_option_t` (`mimalloc.h`); the Rust binding names no
    /// constants for these two. The test below pins the numbering against mimalloc's defaults.
    /// `purge_delay`: milliseconds a freed page stays committed before going back to the OS.
    const PURGE_DELAY: c_int = 15;
    /// `destroy_on_exit`: at 2 and above, mimalloc skips its teardown at process exit.
    const DESTROY_ON_EXIT: c_int = 22;

    extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
        fn mi_collect(force: bool);
        #[cfg(test)]
        fn mi_option_get(option: c_int) -> c_long;
    }

    /// Tunes mimalloc for a process that builds large structures, frees some and exits:
    /// - keep freed pages for a second (instead of 10 ms) before returning them to the system,
    ///   and return them at once between the phases of an analysis instead
    ///   ([`return_freed_pages`]). Within a phase, what is freed is soon allocated again: a
    ///   parsing thread frees a file's syntax tree and builds the next one, each rule frees its
    ///   per-element tables and the next rule builds its own. Returned after 1 ms, those pages
    ///   came back as fresh pages the kernel had to zero: at 100,000 components 34,000 page
    ///   faults against 7,000 to 10,000 now, and about 0.95x the time at 10,000 and 100,000
    ///   (BENCHMARKS.md, thirteenth round). Returning at the phase boundaries keeps the peak
    ///   under 500 MB (445 to 456 MiB at 100,000, against 429 to 451 after 1 ms, and 516 to 553
    ///   never returning): what one phase leaves freed is gone before the next phase builds;
    /// - skip the teardown at exit, where mimalloc collected the main heap and returned its free
    ///   pages one `madvise` at a time: about 2% of a 1,000-component check, for memory the
    ///   kernel takes back anyway.
    ///
    /// A user's own `MIMALLOC_*` setting of either option wins.
    pub fn tune() {
        for (option, variable, value) in
            [(PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 1_000), (DESTROY_ON_EXIT, "MIMALLOC_DESTROY_ON_EXIT", 2)]
        {
            if std::env::var_os(variable).is_none() {
                // SAFETY: `mi_option_set` stores one integer in mimalloc's option table, which
                // is initialised before `main`; it takes no pointers, and no other thread runs yet.
                unsafe { mi_option_set(option, value) }
            }
        }
    }

    /// Models from this many elements (about 35,000 components) return their freed pages
    /// between phases. Below it the pages are few and the next phase would only fault them in
    /// again: at 10,000 components (28,700 elements) returning them cost 1,000 more page faults.
    const RETURN_FREED_FROM_ELEMENTS: usize = 100_000;

    /// Returns every freed page to the system now, the exited threads' included, when the model
    /// has [`RETURN_FREED_FROM_ELEMENTS`] elements or more: run between the phases of an
    /// analysis, on the analysing thread.
    pub fn return_freed_pages(elements: usize) {
        if elements >= RETURN_FREED_FROM_ELEMENTS {
            // SAFETY: `mi_collect` takes no pointers and only touches the calling thread's heap
            // and mimalloc's own thread-safe lists of abandoned segments and arenas.
            unsafe { mi_collect(true) }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn get(option: c_int) -> c_long {
            // SAFETY: reading an option takes no pointers.
            unsafe { mi_option_get(option) }
        }

        #[test]
        fn the_option_numbers_are_mimallocs_and_tuning_sets_them() {
            if std::env::vars_os().any(|(k, _)| k.to_string_lossy().starts_with("MIMALLOC_")) {
                return; // The user's settings replace the defaults this test pins.
            }
            // mimalloc's defaults for options 14 to 25, from `eager_commit_delay` to
            // `purge_extend_delay`: a shifted enum would not match them.
            let defaults: Vec<c_long> = (14..=25).map(get).collect();
            assert_eq!(defaults, [1, 10, 0, 0, 100, 32, 32, 10, 0, 1024 * 1024, 10, 1]);
            tune();
            assert_eq!((get(PURGE_DELAY), get(DESTROY_ON_EXIT)), (1_000, 2));
        }
    }
}
