//! CRAM output: the simulated chromosome as a reference repository, and a BAM rewritten as
//! a reference-based CRAM with its CRAI.

use crate::error::{io_error, SimulateError};
use crate::reference::{RefWindow, CONTIG};
use std::path::Path;

/// The simulated chromosome as a CRAM reference repository: `N` outside the window.
pub fn full_contig_repository(window: &RefWindow) -> noodles::fasta::Repository {
    let mut seq = vec![b'N'; esr1_science::esr1::CHR6_LEN_GRCH38 as usize];
    for pos in window.start()..=window.end() {
        if let Some(b) = seq.get_mut(pos as usize - 1) {
            *b = window.base(pos);
        }
    }
    let record = noodles::fasta::Record::new(
        noodles::fasta::record::Definition::new(CONTIG, None),
        noodles::fasta::record::Sequence::from(seq),
    );
    noodles::fasta::Repository::new(vec![record])
}

/// Rewrites a BAM as a reference-based CRAM with its CRAI index.
pub fn bam_to_cram(
    bam_path: &Path,
    cram_path: &Path,
    crai_path: &Path,
    repository: &noodles::fasta::Repository,
) -> Result<(), SimulateError> {
    use noodles::sam::alignment::io::Write as _;
    let mut reader = noodles::bam::io::reader::Builder
        .build_from_path(bam_path)
        .map_err(io_error(bam_path))?;
    let header = reader.read_header().map_err(io_error(bam_path))?;
    let mut writer = noodles::cram::io::writer::Builder::default()
        .set_reference_sequence_repository(repository.clone())
        .build_from_path(cram_path)
        .map_err(io_error(cram_path))?;
    writer.write_header(&header).map_err(io_error(cram_path))?;
    for record in reader.records() {
        let record = record.map_err(io_error(bam_path))?;
        writer
            .write_alignment_record(&header, &record)
            .map_err(io_error(cram_path))?;
    }
    writer.try_finish(&header).map_err(io_error(cram_path))?;
    drop(writer);
    let index = noodles::cram::fs::index(cram_path).map_err(io_error(cram_path))?;
    noodles::cram::crai::fs::write(crai_path, &index).map_err(io_error(crai_path))?;
    Ok(())
}
