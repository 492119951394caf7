//! The `getemms` binary, run as an operator runs it: every command, every
//! output format, every exit status and error path of issue 11. The
//! expected fields of the `testdata/` bodies are written out here from
//! `testdata/README.md`'s tables, not computed with the library.

#![cfg(feature = "cli")]

mod decode;
mod encode;
mod lookup;
mod output;
mod run;
