//! Tests of the pileup core on handcrafted reads with known answers.

mod counting;
mod cuts;
mod direct;
mod indels;
mod mates;
mod mnv;
mod util;
