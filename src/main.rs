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
    allocator::return_freed_pages_sooner();
    let code = archc::cli::main(std::env::args_os().collect());
    std::process::exit(code);
}

/// The one place in archc that calls foreign code (see ARCHITECTURE.md, "Unsafe code").
#[allow(unsafe_code)]
mod allocator {
    use std::ffi::{c_int, c_long};

    /// `mi_option_purge_delay` in mimalloc v2's `mimalloc.h`: how many milliseconds a freed page
    /// stays committed before it goes back to the OS (10 by default). The Rust binding names no
    /// constant for it; the test below checks the number against the default.
    const PURGE_DELAY: c_int = 15;

    /// The environment variable mimalloc reads for the same option; a user's setting wins.
    const PURGE_DELAY_VAR: &str = "MIMALLOC_PURGE_DELAY";

    extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
        #[cfg(test)]
        fn mi_option_get(option: c_int) -> c_long;
    }

    /// Purges freed pages after 1 ms instead of 10. The phases free large structures just before
    /// building others (syntax trees before the facts); with 10 ms the freed pages were often
    /// still resident at the check's peak, so the peak at 100,000 components spread from 447 to
    /// 500 MiB over runs, and with 1 ms it stays at 441 to 446 MiB at the same speed (BENCHMARKS.md).
    pub fn return_freed_pages_sooner() {
        if std::env::var_os(PURGE_DELAY_VAR).is_some() {
            return;
        }
        // SAFETY: `mi_option_set` stores one integer in mimalloc's option table, which is
        // initialised before `main`; it takes no pointers and is called before any thread starts.
        unsafe { mi_option_set(PURGE_DELAY, 1) }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_purge_delay_option_is_the_one_set() {
            // SAFETY: reading an option takes no pointers.
            let before = unsafe { mi_option_get(PURGE_DELAY) };
            let expected_default = if std::env::var_os(PURGE_DELAY_VAR).is_some() { before } else { 10 };
            assert_eq!(before, expected_default, "option {PURGE_DELAY} is not mimalloc's purge delay");
            return_freed_pages_sooner();
            let after = unsafe { mi_option_get(PURGE_DELAY) };
            if std::env::var_os(PURGE_DELAY_VAR).is_none() {
                assert_eq!(after, 1);
            }
        }
    }
}
