//! `syntax::parse` on arbitrary bytes (read as lossy UTF-8, as the driver does): it must never panic,
//! and every diagnostic must point inside the text, on character boundaries.
#![no_main]

use archc::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parse = archc::syntax::parse(FileId(0), &text);
    for d in &parse.errors {
        let labels = d.primary.iter().chain(&d.secondary);
        for l in labels {
            let r = l.span.range();
            assert!(l.span.file == FileId(0), "{}: wrong file in span", d.code.id);
            assert!(r.start <= r.end && r.end <= text.len(), "{}: span {r:?} outside {} bytes", d.code.id, text.len());
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{}: span {r:?} splits a character", d.code.id);
        }
    }
});
