// Each test crate uses only part of these.
#![allow(dead_code)]

pub mod call;
pub mod suite;
