//! Messages between the page and the analysis Web Worker.
