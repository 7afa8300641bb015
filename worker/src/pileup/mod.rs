//! The pileup and counting core: pure, synchronous, I/O-free.
//!
//! [`RegionCounter`] takes alignment records in coordinate order through noodles' alignment
//! record trait (so BAM, CRAM and in-memory records share it) and counts, per position of one
//! region, strand-aware fragments reading each base, spanning deletions and anchoring indels.
//! The two mates of one fragment are counted once: where they overlap and agree, the base of
//! the better-quality mate counts; where they disagree, neither counts (a discordant base is
//! not evidence). [`RegionCounter::finish`] turns the counts into exact sites and reference
//! blocks (the gVCF model).
//!
//! Per read, indels are left-aligned against the reference as `bcftools norm` does, before
//! anchoring (so mates and reads aligned differently in a repeat agree); per fragment, mismatches
//! within three bases of each other are also recorded together as one multi-nucleotide variant
//! ([`esr1_proto::MnvCount`]), and every base remembers whether it lay near an end of its read.
//!
//! Layout (no file names another's parent; shared types sit in [`types`]):
//! * [`types`] — read events, fragments, per-position counts, the region's reference;
//! * [`matches`] — the matching bases of a region, kept cheaply while it is counted;
//! * [`tables`] — a region's per-position tables, kept zeroed from job to job;
//! * [`read`] — a record's CIGAR walk into events, and indel left-alignment;
//! * [`direct`] — reads without indels counted straight from their decoded buffers;
//! * [`mates`] — reads waiting for their mates, and merging two mates into one fragment;
//! * [`mnv`] — multi-nucleotide variants within one fragment;
//! * [`counter`] — [`RegionCounter`]: filters, counting, and finishing into sites and blocks.

pub mod counter;
pub mod direct;
pub mod matches;
pub mod mates;
pub mod mnv;
pub mod read;
pub mod tables;
pub mod types;

pub use counter::RegionCounter;
pub use mnv::MNV_MAX_SPAN;
pub use read::READ_END_WINDOW;

/// What a job does with each record of its region it reads: count it ([`RegionCounter`]),
/// or, in the pileup benchmark's floor, only decode it. Records come in coordinate order.
pub trait RecordSink {
    /// Takes one record (a decoding error of the record is the job's `invalid record`).
    fn add_record<R: noodles::sam::alignment::Record + ?Sized>(
        &mut self,
        header: &noodles::sam::Header,
        record: &R,
    ) -> std::io::Result<()>;
}

impl RecordSink for RegionCounter {
    fn add_record<R: noodles::sam::alignment::Record + ?Sized>(
        &mut self,
        header: &noodles::sam::Header,
        record: &R,
    ) -> std::io::Result<()> {
        RegionCounter::add_record(self, header, record)
    }
}

#[cfg(test)]
mod tests;
