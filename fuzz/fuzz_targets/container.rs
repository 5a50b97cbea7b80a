#![no_main]
// The body is `segmento::hostile::container`, replayed over the corpus by tests/fuzz_corpus.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| segmento::hostile::container(data));
