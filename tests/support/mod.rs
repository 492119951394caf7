//! Helpers shared by the integration test binaries.

pub mod counting_alloc;
