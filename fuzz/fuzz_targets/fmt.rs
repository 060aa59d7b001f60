//! `fmt::format`: never panics; when it succeeds, its output is a fixed point (formatting it again
//! changes nothing) and parses without errors.
#![no_main]

use archc::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(once) = archc::fmt::format(FileId(0), &text) {
        let reparse = archc::syntax::parse(FileId(0), &once);
        assert!(reparse.errors.is_empty(), "formatted output does not parse:\n{once}\n{:#?}", reparse.errors);
        match archc::fmt::format(FileId(0), &once) {
            Ok(twice) => assert_eq!(once, twice, "formatting is not idempotent"),
            Err(e) => panic!("formatted output is refused by the formatter: {e:#?}"),
        }
    }
});
