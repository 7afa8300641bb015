//! The records of a CRAM that overlap a region, handed to a job's counter as noodles decodes
//! them. noodles' own query converts every record of a container into a `RecordBuf` (a name,
//! CIGAR, sequence, qualities and tags allocated each) and clones each again as it yields it;
//! on a 20,000× CRAM that allocation and copying took about a quarter of the job. Here the
//! decoded CRAM records are read where they lie, through the same `Record` trait; the records
//! selected are those of noodles' query: on the region's reference sequence, overlapping it
//! from their alignment start to their end as a `RecordBuf` computes it (the start alone when
//! the CIGAR spans nothing). A container that several index entries name (one per slice) is
//! read once; noodles' query read it, and counted its records, once per entry.

use crate::cram_reference::entry_overlaps;
use crate::pileup::RecordSink;
use noodles::core::{region::Interval, Position};
use noodles::cram::{self, crai, io::reader::Container};
use noodles::fasta;
use noodles::sam::{self, alignment::Record};
use std::io::{self, Read, Seek, SeekFrom};

/// Feeds the records of `reader` on reference sequence `rid` that overlap `interval` to
/// `sink`, container by container from `index`. A decoding error is returned as
/// `Err(Corrupt)`, a record the sink refuses as `Err(Invalid)`.
pub fn count_cram<R: Read + Seek, S: RecordSink>(
    reader: &mut cram::io::Reader<R>,
    repository: &fasta::Repository,
    (header, index): (&sam::Header, &crai::Index),
    (rid, interval): (usize, Interval),
    sink: &mut S,
) -> Result<(), CramError> {
    let mut container = Container::default();
    let mut last_offset = None;
    for entry in index.iter().filter(|e| entry_overlaps(e, rid, interval)) {
        if last_offset == Some(entry.offset()) {
            continue;
        }
        last_offset = Some(entry.offset());
        reader.seek(SeekFrom::Start(entry.offset()))?;
        if reader.read_container(&mut container)? == 0 {
            break;
        }
        let compression_header = container.compression_header()?;
        for slice in container.slices() {
            let slice = slice?;
            let (core, external) = slice.decode_blocks()?;
            let records = slice.records(
                repository.clone(),
                header,
                &compression_header,
                &core,
                &external,
            )?;
            for record in &records {
                if record_overlaps(record, header, rid, interval)? {
                    sink.add_record(header, record)
                        .map_err(CramError::Invalid)?;
                }
            }
        }
    }
    Ok(())
}

/// Why [`count_cram`] stopped.
#[derive(Debug)]
pub enum CramError {
    /// The file's bytes do not decode (or could not be read).
    Corrupt(io::Error),
    /// A record decoded but the counter cannot read it.
    Invalid(io::Error),
}

impl From<io::Error> for CramError {
    fn from(e: io::Error) -> Self {
        CramError::Corrupt(e)
    }
}

/// Whether a decoded record lies on `rid` and overlaps `interval`, as noodles' query decides
/// for the `RecordBuf` it makes of it.
fn record_overlaps<R: Record>(
    record: &R,
    header: &sam::Header,
    rid: usize,
    interval: Interval,
) -> io::Result<bool> {
    let Some(id) = record.reference_sequence_id(header) else {
        return Ok(false);
    };
    let Some(start) = record.alignment_start() else {
        return Ok(false);
    };
    if id? != rid {
        return Ok(false);
    }
    let start = start?;
    let end = match record.cigar().alignment_span()? {
        0 => start,
        span => usize::from(start)
            .checked_add(span - 1)
            .and_then(Position::new)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "alignment end overflows"))?,
    };
    Ok(interval.intersects((start..=end).into()))
}
