//! CRAM jobs on local files count exactly like the same reads in a BAM, with one worker's
//! caches shared by jobs running side by side (the CRAM reference is built per job from the
//! span of the decoded containers).

use esr1_proto::{CallingParams, GenomicRegion, RegionJob, RunContext, SampleRef};
use esr1_simulate::{simulate, AlignmentFormat, SimulateOptions};
use esr1_worker::storage::LocalStorage;
use esr1_worker::{run_job, Caches};
use std::path::Path;

/// A job of one cfDNA sample over `chr6:start-end` reporting `sites` with full counts.
pub(crate) fn job_reporting(
    alignments: &Path,
    reference: &Path,
    (start, end): (u64, u64),
    sites: Vec<u64>,
) -> RegionJob {
    RegionJob::new(
        &RunContext {
            run_id: "t".into(),
            reference: reference.to_string_lossy().into_owned(),
            params: CallingParams::default(),
            model_version: "m".into(),
            output: "/unused".into(),
        },
        SampleRef {
            patient: "P01".into(),
            sample: "P01_C1".into(),
            day: 10,
            material: esr1_proto::Material::Cfdna,
            therapy: "AI".into(),
            alignments: alignments.to_string_lossy().into_owned(),
            index: None,
        },
        GenomicRegion {
            contig: "chr6".into(),
            start,
            end,
        },
        sites,
    )
}

fn job(alignments: &Path, reference: &Path, start: u64, end: u64) -> RegionJob {
    job_reporting(
        alignments,
        reference,
        (start, end),
        vec![152_098_788, 152_098_791],
    )
}

#[test]
fn cram_jobs_sharing_one_worker_cache_count_like_the_bam() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = |format, name: &str| {
        simulate(&SimulateOptions {
            format,
            out: dir.path().join(name),
            patients: 7,
            seed: 36,
            depth_scale: 0.3,
            ..SimulateOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let (cram, bam) = (
        sim(AlignmentFormat::Cram, "cram"),
        sim(AlignmentFormat::Bam, "bam"),
    );
    let cram_file = dir.path().join("cram/bams/P01_C1.cram");
    let bam_file = dir.path().join("bam/bams/P01_C1.bam");
    let regions = [
        (1_000_000, 1_001_000),
        (152_098_700, 152_099_100),
        (151_650_001, 151_900_000),
        (151_900_001, 152_140_000),
    ];
    let caches = Caches::default();
    std::thread::scope(|s| {
        for (start, end) in regions {
            let (caches, cram, bam) = (&caches, &cram, &bam);
            let (cram_file, bam_file) = (&cram_file, &bam_file);
            s.spawn(move || {
                let run = |file, reference| {
                    run_job(&job(file, reference, start, end), &LocalStorage, caches)
                        .unwrap_or_else(|e| panic!("{start}-{end}: {e}"))
                };
                let (c, b) = (
                    run(cram_file, &cram.reference),
                    run(bam_file, &bam.reference),
                );
                let empty = start == 1_000_000;
                assert_eq!(c.qc.reads_seen == 0, empty, "{start}-{end}: {:?}", c.qc);
                assert_eq!(c.sites, b.sites, "{start}-{end}");
                assert_eq!(c.blocks, b.blocks, "{start}-{end}");
                assert_eq!(c.calls, b.calls, "{start}-{end}");
                assert_eq!(c.qc.reads_seen, b.qc.reads_seen, "{start}-{end}");
                assert_eq!(c.qc.filtered, b.qc.filtered, "{start}-{end}");
            });
        }
    });
}
