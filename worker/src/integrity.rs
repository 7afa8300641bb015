//! Whether an opened alignment file is whole and its index is its own: the end-of-file marker
//! (BGZF for BAM, the EOF container for CRAM 3), and the index against the header (as many
//! reference sequences) and the file size (no offset past its end). What `check` verifies
//! before a run, beside what opening the file already checks (header, index, index age); a
//! job does not need it (it reads only its region and fails on bytes it cannot decode).

use crate::error::{storage_failure, JobError};
use crate::source::{AlignmentSource, SourceIndex};
use crate::storage::{pinned_version, Storage};

/// The BGZF end-of-file marker: an empty block (SAM/BAM format § 4.1.2).
pub const BGZF_EOF: [u8; 28] = [
    0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00,
    0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// The CRAM 3 end-of-file container (CRAM format § 9).
pub const CRAM3_EOF: [u8; 38] = [
    0x0f, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xe0, 0x45, 0x4f, 0x46, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x05, 0xbd, 0xd9, 0x4f, 0x00, 0x01, 0x00, 0x06, 0x06, 0x01, 0x00, 0x01, 0x00,
    0x01, 0x00, 0xee, 0x63, 0x01, 0x4b,
];

/// Checks that `source` ends as its format requires and that its index fits it (two small
/// ranged reads: the file's first 6 bytes for a CRAM's version, and its last bytes).
pub fn check_integrity(storage: &dyn Storage, source: &AlignmentSource) -> Result<(), JobError> {
    check_index_fits(source)?;
    check_end(storage, source)
}

/// The end-of-file marker of a BAM or CRAM 3 (CRAM 2 has another one and is not checked).
fn check_end(storage: &dyn Storage, source: &AlignmentSource) -> Result<(), JobError> {
    let read = |range| {
        storage
            .get_range_if(
                &source.uri,
                range,
                pinned_version(&source.stamps.alignments),
            )
            .map_err(|e| storage_failure("alignment file", &e))
    };
    let (marker, what): (&[u8], &str) = if source.is_cram() {
        let definition = read(0..6.min(source.size))?;
        if definition.get(4) != Some(&3) {
            return Ok(());
        }
        (&CRAM3_EOF, "CRAM end-of-file container")
    } else {
        (&BGZF_EOF, "BGZF end-of-file marker")
    };
    let n = marker.len() as u64;
    let tail = if source.size >= n {
        read(source.size - n..source.size)?
    } else {
        Vec::new()
    };
    if tail == marker {
        Ok(())
    } else {
        Err(JobError::permanent(format!(
            "{} does not end with the {what}: it is truncated or was not written to the end \
             (as samtools quickcheck would report)",
            source.uri
        )))
    }
}

/// The index names as many reference sequences as the header (BAI, CSI) or none beyond it
/// (CRAI), and points nowhere past the end of the file. No I/O: jobs check it too, so a
/// truncated file or another file's index fails the job instead of losing records.
pub fn check_index_fits(source: &AlignmentSource) -> Result<(), JobError> {
    let in_header = source.header.reference_sequences().len();
    let (references_ok, furthest) = match &source.index {
        SourceIndex::Binning(index) => {
            let furthest = index
                .reference_sequences()
                .filter_map(|r| r.metadata().map(|m| m.end_position().compressed()))
                .chain(
                    index
                        .last_first_record_start_position()
                        .map(|p| p.compressed()),
                )
                .max();
            (index.reference_sequences().count() == in_header, furthest)
        }
        SourceIndex::Crai(index) => (
            index
                .iter()
                .filter_map(|r| r.reference_sequence_id())
                .all(|id| id < in_header),
            index.iter().map(|r| r.offset()).max(),
        ),
    };
    if !references_ok {
        return Err(JobError::permanent(format!(
            "index {} does not match the header of {} ({in_header} reference sequences): it \
             is another file's index; re-index the file",
            source.index_uri, source.uri
        )));
    }
    match furthest {
        Some(offset) if offset >= source.size => Err(JobError::permanent(format!(
            "index {} points to byte {offset} but {} has {} bytes: the file is truncated or \
             the index is another file's",
            source.index_uri, source.uri, source.size
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::open_source;
    use crate::storage::LocalStorage;
    use noodles::bam;
    use noodles::csi::binning_index::index::reference_sequence::index::LinearIndex;
    use noodles::csi::binning_index::Indexer;
    use noodles::sam;
    use noodles::sam::header::record::value::map::ReferenceSequence;
    use noodles::sam::header::record::value::Map;
    use std::num::NonZero;
    use std::path::Path;

    /// A header-only BAM with `contigs` reference sequences, and a BAI for `indexed` of them.
    fn bam(dir: &Path, name: &str, contigs: usize, indexed: usize) -> String {
        let path = dir.join(format!("{name}.bam"));
        let mut builder = sam::Header::builder();
        for i in 0..contigs {
            builder = builder.add_reference_sequence(
                format!("chr{}", i + 1),
                Map::<ReferenceSequence>::new(NonZero::<usize>::MIN),
            );
        }
        let file = std::fs::File::create(&path).expect("create");
        let mut writer = bam::io::Writer::new(file);
        writer.write_header(&builder.build()).expect("header");
        writer.try_finish().expect("finish");
        let index = Indexer::<LinearIndex>::default().build(indexed);
        bam::bai::fs::write(dir.join(format!("{name}.bam.bai")), &index).expect("bai");
        path.to_string_lossy().into_owned()
    }

    fn check(uri: &str) -> Result<(), JobError> {
        let source = open_source(&LocalStorage, uri, None).expect("opens");
        check_integrity(&LocalStorage, &source)
    }

    #[test]
    fn a_whole_file_passes_a_cut_one_and_another_files_index_do_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = bam(dir.path(), "good", 2, 2);
        assert_eq!(check(&good), Ok(()));

        let bytes = std::fs::read(&good).expect("read");
        std::fs::write(&good, &bytes[..bytes.len() - 1]).expect("cut");
        let e = check(&good).expect_err("cut");
        assert!(
            e.message
                .contains("does not end with the BGZF end-of-file marker"),
            "{e}"
        );

        let other = bam(dir.path(), "other", 2, 3);
        let e = check(&other).expect_err("another file's index");
        assert!(e.message.contains("it is another file's index"), "{e}");
    }
}
