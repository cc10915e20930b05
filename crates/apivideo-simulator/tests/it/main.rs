//! Integration tests of the simulator, driven over HTTP with reqwest (one test binary,
//! one module per area).

mod auth;
mod cli;
mod clients;
mod common;
mod faults;
mod rate_limit;
mod resources;
mod uploads;
mod videos;
mod webhooks;
