//! The reference a CRAM query needs, read from storage for only the span of the containers it
//! decodes.
//!
//! noodles' CRAM decoder takes its reference from a `fasta::Repository` and addresses it by
//! absolute position, so it wants a record as long as the contig. Ours is a zeroed allocation
//! of the contig's length (which the allocator maps lazily: untouched pages cost nothing) in
//! which only the bases under the decoded containers are written, read through the FASTA's
//! index. It is built per job: no process-wide buffer, no lock held while storage is read, and
//! CRAM jobs of one worker run side by side. (The repository keeps the record's sequence,
//! not a copy: published noodles-fasta cloned it, writing every page of the contig, so the
//! workspace uses a patched copy, `vendor/noodles-fasta`.)

use crate::error::JobError;
use crate::reference::{read_reference, ReferenceCache};
use crate::storage::Storage;
use noodles::core::{region::Interval, Position};
use noodles::{cram, fasta, sam};
use std::io;

/// The repository holding contig `rid` of `header`, with the bases of every container of
/// `index` that overlaps `interval` read from the FASTA `reference_uri` (every slice of such a
/// container, since the decoder decodes whole containers).
pub fn cram_repository(
    storage: &dyn Storage,
    references: &ReferenceCache,
    reference_uri: &str,
    header: &sam::Header,
    rid: usize,
    index: &cram::crai::Index,
    interval: Interval,
) -> Result<fasta::Repository, JobError> {
    let Some((name, map)) = header.reference_sequences().get_index(rid) else {
        return Err(JobError::permanent(format!(
            "no reference sequence {rid} in the header"
        )));
    };
    let length = usize::from(map.length());
    let (lo, hi) = decoded_span(index, rid, interval);
    let mut sequence = vec![0u8; length];
    if lo <= hi {
        let contig = String::from_utf8_lossy(name);
        let (bases, _) = read_reference(storage, references, reference_uri, &contig, lo, hi)?;
        let start = (lo - 1) as usize;
        let end = (start + bases.len()).min(length);
        sequence[start..end].copy_from_slice(&bases[..end - start]);
    }
    let record = fasta::Record::new(
        fasta::record::Definition::new(name.to_vec(), None),
        fasta::record::Sequence::from(sequence),
    );
    Ok(fasta::Repository::new(OneContig(Some(record))))
}

/// The 1-based span `(first, last)` covered by the slices of the containers that hold a slice
/// of reference sequence `rid` overlapping `interval` (the containers [`crate::cram_query`]
/// decodes); `first > last` when there are none.
fn decoded_span(index: &cram::crai::Index, rid: usize, interval: Interval) -> (u64, u64) {
    let span = |r: &cram::crai::Record| {
        let s = usize::from(r.alignment_start()?) as u64;
        Some((s, s.saturating_add(r.alignment_span() as u64)))
    };
    let mut offsets: Vec<u64> = index
        .iter()
        .filter(|r| entry_overlaps(r, rid, interval))
        .map(|r| r.offset())
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    index
        .iter()
        .filter(|r| r.reference_sequence_id() == Some(rid))
        .filter(|r| offsets.binary_search(&r.offset()).is_ok())
        .filter_map(span)
        .fold((u64::MAX, 0), |(lo, hi), (s, e)| (lo.min(s), hi.max(e)))
}

/// Whether a CRAM index entry (a slice) may hold records of `rid` overlapping `interval`; an
/// entry with no span holds none. An end past the largest position (an index's bytes are
/// untrusted) still overlaps.
pub fn entry_overlaps(entry: &cram::crai::Record, rid: usize, interval: Interval) -> bool {
    let (Some(id), Some(start)) = (entry.reference_sequence_id(), entry.alignment_start()) else {
        return false;
    };
    let span = entry.alignment_span();
    if id != rid || span == 0 {
        return false;
    }
    let end = usize::from(start)
        .checked_add(span - 1)
        .and_then(Position::new)
        .unwrap_or(Position::MAX);
    interval.intersects((start..=end).into())
}

/// A repository adapter serving one record, handed over (not copied) on the decoder's first
/// request; the repository keeps it from then on.
///
/// Any other contig (a container whose slices also hold reads of other reference sequences:
/// a multi-reference container, which `samtools view -C` writes when contigs have few reads)
/// is served an empty sequence. noodles attaches a reference to every record of a slice it
/// decodes, but [`crate::cram_query`] hands the counter only the records of the job's contig
/// and never reads the bases of the others; an empty sequence, not an error, lets their
/// container decode. (noodles' decoder panics on a repository that answers nothing.)
struct OneContig(Option<fasta::Record>);

impl fasta::repository::Adapter for OneContig {
    fn get(&mut self, name: &[u8]) -> Option<io::Result<fasta::Record>> {
        let matches = self.0.as_ref().is_some_and(|r| r.name() == name);
        match matches.then(|| self.0.take()).flatten() {
            Some(record) => Some(Ok(record)),
            None => Some(Ok(fasta::Record::new(
                fasta::record::Definition::new(name.to_vec(), None),
                fasta::record::Sequence::default(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fasta::repository::Adapter as _;

    #[test]
    fn another_contig_is_served_empty_not_nothing() {
        let record = fasta::Record::new(
            fasta::record::Definition::new(b"chr6".to_vec(), None),
            fasta::record::Sequence::from(b"ACGT".to_vec()),
        );
        let mut adapter = OneContig(Some(record));
        match adapter.get(b"chr7") {
            Some(Ok(r)) => assert!(r.name() == b"chr7" && r.sequence().is_empty()),
            _ => panic!("another contig must be served, empty"),
        }
        assert!(matches!(adapter.get(b"chr6"), Some(Ok(r)) if r.sequence().len() == 4));
        // Through the repository, which noodles' decoder asks: an answer, never nothing.
        let repository = fasta::Repository::new(OneContig(None));
        assert!(matches!(repository.get(b"chr6"), Some(Ok(s)) if s.is_empty()));
    }

    #[test]
    fn the_repository_keeps_the_contig_it_is_given_not_a_copy() {
        // A contig-long record whose pages are mostly untouched: a copy would write them all
        // (the patched noodles-fasta in vendor/ moves it; the published one cloned it).
        let sequence = vec![0u8; 1 << 20];
        let address = sequence.as_ptr();
        let record = fasta::Record::new(
            fasta::record::Definition::new(b"chr6".to_vec(), None),
            fasta::record::Sequence::from(sequence),
        );
        let repository = fasta::Repository::new(OneContig(Some(record)));
        let cached = match repository.get(b"chr6") {
            Some(Ok(cached)) => cached,
            _ => panic!("the contig must be served"),
        };
        let bases: &[u8] = cached.as_ref().as_ref();
        assert_eq!(bases.len(), 1 << 20);
        assert_eq!(bases.as_ptr(), address, "the repository copied the contig");
    }
}
