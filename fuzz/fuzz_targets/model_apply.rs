#![no_main]
// The body is `segmento::hostile::model_apply`, replayed over the corpus by tests/fuzz_corpus.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| segmento::hostile::model_apply(data));
