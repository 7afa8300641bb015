//! Helpers shared by the simulator's tests: a small cohort on disk, file listings, the read
//! base at a position, accuracy options.

use crate::cohort::{simulate, SimulatedCohort};
use crate::options::{AlignmentFormat, Scenario, SimulateOptions};
use crate::reads;
use noodles::sam::alignment::RecordBuf;
use std::path::{Path, PathBuf};

/// Seven roles patients at `depth_scale`, as BAM.
pub(crate) fn small(out: &Path, seed: u64, depth_scale: f64) -> SimulatedCohort {
    simulate(&SimulateOptions {
        format: AlignmentFormat::Bam,
        out: out.to_path_buf(),
        patients: 7,
        seed,
        depth_scale,
        artefacts: false,
        scenario: Scenario::Roles,
        count: Default::default(),
    })
    .expect("simulate")
}

/// The bytes of a file.
pub(crate) fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every file under `dir`, relative, sorted.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("prefix").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The read base aligned to `pos`, if the record covers it with an aligned base.
pub(crate) fn base_at(record: &RecordBuf, pos: u64) -> Option<u8> {
    let j = query_at(record, pos)?;
    record.sequence().as_ref().get(j).copied()
}

/// The read (query) index aligned to `pos`, if the record covers it with an aligned base.
pub(crate) fn query_at(record: &RecordBuf, pos: u64) -> Option<usize> {
    let start = record.alignment_start()?.get() as u64;
    reads::query_index(record.cigar().as_ref(), start, pos)
}

/// Accuracy-scenario options with the default VAFs.
pub(crate) fn accuracy_options(
    out: &Path,
    patients: usize,
    depth: u32,
    artefacts: bool,
) -> SimulateOptions {
    SimulateOptions {
        patients,
        artefacts,
        scenario: Scenario::Accuracy {
            cfdna_depth: depth,
            vafs: vec![0.001, 0.0025, 0.005, 0.01, 0.02, 0.05],
        },
        ..SimulateOptions::new(out)
    }
}
