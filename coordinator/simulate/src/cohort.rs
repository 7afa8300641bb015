//! Simulating a whole cohort into a directory: reference, alignment files, samplesheet and
//! truth tables.

use crate::alignments::write_alignments;
use crate::artefacts::{self, ArtefactSite};
use crate::error::{io_error, SimulateError};
use crate::options::SimulateOptions;
use crate::reads;
use crate::reference;
use crate::scenario::{build_scenario, reference_window, validate};
use crate::sites::capture_targets;
use crate::tables::{
    frequencies_text, samplesheet_text, truth_calls_text, truth_frequencies, truth_patients_text,
    write_text,
};
use crate::truth::TruthPatient;
use esr1_science::cohort::FrequencyRow;
use esr1_science::esr1::Esr1Model;
use std::path::PathBuf;

/// The files and truth of a simulated cohort.
#[derive(Debug, Clone)]
pub struct SimulatedCohort {
    /// `samplesheet.csv` (paths relative to it).
    pub samplesheet: PathBuf,
    /// `reference/chr6_esr1.fa.gz` (with `.fai` and `.gzi`).
    pub reference: PathBuf,
    /// `truth_calls.tsv`.
    pub truth_calls: PathBuf,
    /// `truth_patients.tsv`.
    pub truth_patients: PathBuf,
    /// `truth_frequencies.tsv`.
    pub truth_frequencies: PathBuf,
    /// The truth frequency rows (as in `truth_frequencies.tsv`).
    pub frequencies: Vec<FrequencyRow>,
    /// Patients with samples and true variants.
    pub patients: Vec<TruthPatient>,
    /// Capture targets (1-based inclusive, chr6).
    pub targets: Vec<(u64, u64)>,
    /// Per-sample read counts, in samplesheet order.
    pub bam_stats: Vec<(String, reads::BamStats)>,
    /// The artefact sites (empty unless artefacts are on).
    pub artefacts: Vec<ArtefactSite>,
    /// `truth_artefacts.tsv`, when artefacts are on.
    pub truth_artefacts: Option<PathBuf>,
}

/// Simulates the cohort into `opts.out`.
pub fn simulate(opts: &SimulateOptions) -> Result<SimulatedCohort, SimulateError> {
    validate(opts)?;
    let model = Esr1Model::builtin();
    let window = reference_window(&model, opts.seed)?;
    let patients = build_scenario(opts, &model, &window)?;
    let targets = capture_targets(&model)?;
    let artefact_sites = if opts.artefacts {
        artefacts::artefact_sites(&model, &window)?
    } else {
        Vec::new()
    };

    let out = &opts.out;
    let ref_dir = out.join("reference");
    let bam_dir = out.join("bams");
    for dir in [out, &ref_dir, &bam_dir] {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    let ref_files = reference::write_reference(&ref_dir, &window)?;

    let (bam_stats, rates) = write_alignments(opts, &window, &patients, &targets, &artefact_sites)?;

    let samplesheet = out.join("samplesheet.csv");
    write_text(&samplesheet, &samplesheet_text(&patients))?;
    let truth_calls = out.join("truth_calls.tsv");
    write_text(&truth_calls, &truth_calls_text(&patients))?;
    let truth_patients = out.join("truth_patients.tsv");
    write_text(&truth_patients, &truth_patients_text(&patients))?;
    let frequencies = truth_frequencies(&model, &patients, opts.count);
    let truth_frequencies = out.join("truth_frequencies.tsv");
    write_text(&truth_frequencies, &frequencies_text(&frequencies))?;
    let truth_artefacts = if opts.artefacts {
        let path = out.join("truth_artefacts.tsv");
        write_text(&path, &artefacts::truth_artefacts_text(&artefact_sites))?;
        let rates_path = out.join("truth_artefact_rates.tsv");
        write_text(
            &rates_path,
            &artefacts::truth_rates_text(&artefact_sites, &rates),
        )?;
        Some(path)
    } else {
        None
    };

    Ok(SimulatedCohort {
        samplesheet,
        reference: ref_files.fasta,
        truth_calls,
        truth_patients,
        truth_frequencies,
        frequencies,
        patients,
        targets,
        bam_stats,
        artefacts: artefact_sites,
        truth_artefacts,
    })
}

#[cfg(test)]
mod tests;
