//! Unit tests that need the crate's private, test-only strategies.

mod examples;
mod roundtrip;
