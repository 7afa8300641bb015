//! Writing every sample's alignment file (BAM + BAI, or CRAM + CRAI through a temporary BAM)
//! on a few threads, each sample with its own random stream, so the files do not depend on
//! the thread count.

use crate::artefacts::{self, ArtefactSite};
use crate::cram;
use crate::error::{model_error, SimulateError};
use crate::options::{AlignmentFormat, Scenario, SimulateOptions};
use crate::reads::{self, SampleAllele, SampleReads};
use crate::reference::RefWindow;
use crate::rng::Rng;
use crate::truth::{TruthPatient, TruthSample};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Per-sample read counts, in job order.
pub type SampleStats = Vec<(String, reads::BamStats)>;
/// Per-sample artefact rates (one per artefact site), in job order.
pub type SampleRates = Vec<(String, Vec<f64>)>;

/// Writes the alignment files of every sample of `patients` under `opts.out` (whose `bams/`
/// must exist); returns each sample's read counts and artefact rates.
pub(crate) fn write_alignments(
    opts: &SimulateOptions,
    window: &RefWindow,
    patients: &[TruthPatient],
    targets: &[(u64, u64)],
    artefact_sites: &[ArtefactSite],
) -> Result<(SampleStats, SampleRates), SimulateError> {
    let out = &opts.out;
    let deamination = if opts.artefacts {
        reads::DEAMINATION_RATE
    } else {
        0.0
    };
    // CRAM needs the whole contig as its reference (noodles addresses it by position).
    let cram_reference =
        (opts.format == AlignmentFormat::Cram).then(|| cram::full_contig_repository(window));

    // BAMs: one job per sample, each with its own random stream, run on a few threads.
    let jobs: Vec<(&TruthPatient, &TruthSample, usize)> = patients
        .iter()
        .flat_map(|p| p.samples.iter().enumerate().map(move |(j, s)| (p, s, j)))
        .collect();
    let results: Mutex<Vec<Option<Result<reads::BamStats, SimulateError>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let rates: Vec<(String, Vec<f64>)> = jobs
        .iter()
        .map(|(_, smp, _)| {
            let r = artefacts::sample_rates(opts.seed, &smp.sample, artefact_sites);
            (smp.sample.clone(), r)
        })
        .collect();
    let run_job = |k: usize| {
        let (p, smp, j) = jobs[k];
        let (artefact_alleles, read_artefacts) =
            artefacts::sample_artefacts(artefact_sites, &rates[k].1);
        let alleles = p
            .variants
            .iter()
            .filter_map(|v| {
                let vaf = v.vaf.get(j).copied().unwrap_or(0.0);
                (vaf > 0.0).then_some(SampleAllele {
                    pos: v.pos,
                    alt: v.alt_base as u8,
                    vaf,
                })
            })
            .chain(artefact_alleles)
            .collect();
        let spec = SampleReads {
            sample: &smp.sample,
            material: smp.material,
            depth: smp.depth,
            alleles,
            targets,
            artefacts: read_artefacts,
            deamination,
            // Accuracy cohorts are large; the default cohort keeps its files byte for byte.
            fast_compression: matches!(opts.scenario, Scenario::Accuracy { .. }),
        };
        let mut rng = Rng::derive(opts.seed, &format!("reads:{}", smp.sample));
        match &cram_reference {
            None => reads::write_sample_bam(
                &spec,
                window,
                &mut rng,
                &out.join(&smp.alignments),
                &out.join(&smp.index),
            ),
            Some(repository) => {
                let bam = out.join(format!("bams/.{}.tmp.bam", smp.sample));
                let bai = out.join(format!("bams/.{}.tmp.bam.bai", smp.sample));
                let stats = reads::write_sample_bam(&spec, window, &mut rng, &bam, &bai)?;
                cram::bam_to_cram(
                    &bam,
                    &out.join(&smp.alignments),
                    &out.join(&smp.index),
                    repository,
                )?;
                let _ = std::fs::remove_file(&bam);
                let _ = std::fs::remove_file(&bai);
                Ok(stats)
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= jobs.len() {
                    break;
                }
                let r = run_job(k);
                if let Ok(mut slots) = results.lock() {
                    slots[k] = Some(r);
                }
            });
        }
    });
    let slots = results
        .into_inner()
        .map_err(|_| model_error("a BAM-writing thread panicked"))?;
    let mut bam_stats = Vec::with_capacity(jobs.len());
    for ((_, smp, _), slot) in jobs.iter().zip(slots) {
        let stats =
            slot.ok_or_else(|| model_error(format!("{} was not simulated", smp.sample)))??;
        bam_stats.push((smp.sample.clone(), stats));
    }
    Ok((bam_stats, rates))
}
