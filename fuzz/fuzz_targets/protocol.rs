#![no_main]
// The body is `segmento::hostile::protocol`, replayed over the corpus by tests/fuzz_corpus.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| segmento::hostile::protocol(data));
