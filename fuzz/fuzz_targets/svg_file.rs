#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // A refusal (Err) is a correct answer; a panic is a finding.
    let _refusal = hologlyph::fuzz::svg_file(data);
});
