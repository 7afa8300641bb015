//! Unit-test fixtures shared by the worker's modules.

use esr1_proto::{CallingParams, GenomicRegion, Material, RegionJob, RunContext, SampleRef};

/// A job of patient P's tumour sample `sample` over `chr6:start-end` of `alignments`, against
/// `reference`, writing under `/data/out`.
pub(crate) fn job(
    (reference, alignments): (&str, &str),
    sample: &str,
    (start, end): (u64, u64),
) -> RegionJob {
    RegionJob::new(
        &RunContext {
            run_id: "r".into(),
            reference: reference.into(),
            params: CallingParams::default(),
            model_version: "m".into(),
            output: "/data/out".into(),
        },
        SampleRef {
            patient: "P".into(),
            sample: sample.into(),
            day: 0,
            material: Material::Tumor,
            therapy: "AI".into(),
            alignments: alignments.into(),
            index: None,
        },
        GenomicRegion {
            contig: "chr6".into(),
            start,
            end,
        },
        vec![],
    )
}
