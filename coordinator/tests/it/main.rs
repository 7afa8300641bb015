//! The coordinator's integration tests, one binary with a module per concern (as ripgrep
//! does), so the suite links once: shared harnesses first (a simulated cohort, a private
//! broker, a private S3 server), then the end-to-end tests.

#![allow(dead_code)]

mod broker;
mod fault_proxy;
mod garage;
mod util;

mod accuracy;
mod art;
mod check;
mod cli;
mod cohort;
mod coverage;
mod disk_full;
mod distributed;
mod failfast;
mod fuzz;
mod identity;
mod layout;
mod lost_queue;
mod monitoring;
mod rebuild;
mod report_html;
mod s3;
mod s3_faults;
mod s3_pinned;
mod soak;
mod trust;
mod untrusted;
mod vcf;
