//! Tests of relabelling a stored plan from a corrected samplesheet (no file is read).

use super::*;
use esr1_proto::{CallingParams, GenomicRegion, Material, RegionJob, RunContext, SampleRef};
use std::path::Path;

fn sample(id: &str, therapy: &str) -> SampleRef {
    SampleRef {
        patient: "P1".into(),
        sample: id.into(),
        day: 10,
        material: Material::Tumor,
        therapy: therapy.into(),
        alignments: format!("/nonexistent/{id}.bam"),
        index: None,
    }
}

fn planned(id: &str) -> PlannedSample {
    let context = RunContext {
        run_id: "r1".into(),
        reference: "/ref.fa".into(),
        params: CallingParams::default(),
        model_version: MODEL_VERSION.into(),
        output: "/out".into(),
    };
    let region = GenomicRegion {
        contig: "chr6".into(),
        start: 1,
        end: 100,
    };
    PlannedSample {
        sample: sample(id, "AI"),
        jobs: vec![RegionJob::new(&context, sample(id, "AI"), region, vec![])],
        job_bytes: Vec::new(),
    }
}

fn stored_plan() -> Plan {
    Plan {
        run_id: "r1".into(),
        build: Build::Grch38,
        chrom: "chr6".into(),
        reference: "/ref.fa".into(),
        samples: vec![planned("A"), planned("C"), planned("E")],
        failed: vec![FailedSample {
            sample: sample("B", "AI"),
            reason: "old.csv: line 3, column 'alignments': file B.bam not found".into(),
        }],
        job_target: Some(1 << 20),
    }
}

fn sheet(lines: &str) -> Samplesheet {
    let text = format!("patient,sample,day,material,therapy,alignments\n{lines}");
    Samplesheet::parse(Path::new("new.csv"), Path::new("/nonexistent"), &text)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn samples_are_relabelled_by_id_and_keep_the_runs_jobs_or_reasons() {
    let stored = stored_plan();
    // Every file is missing now: only a sample the run refused keeps its warning.
    let mut s = sheet(
        "P1,B,-5,tumor,tamoxifen,B.bam\nP1,A,10,tumor,tamoxifen,A.bam\n\
         P1,D,20,cfdna,tamoxifen,D.bam\nP1,E,30,tumor,tamoxifen,elsewhere/E.bam\n",
    );
    let (plan, dropped) = relabel(&stored, &mut s);
    assert_eq!(dropped, vec!["C".to_owned()]);
    assert_eq!(plan.samples.len(), 1);
    let a = &plan.samples[0];
    assert_eq!(
        (a.sample.sample.as_str(), a.sample.therapy.as_str()),
        ("A", "tamoxifen")
    );
    assert_eq!(
        a.jobs, stored.samples[0].jobs,
        "the run's jobs, ids unchanged"
    );
    let reason = |id: &str| {
        plan.failed
            .iter()
            .find(|f| f.sample.sample == id)
            .map(|f| (f.sample.therapy.clone(), f.reason.clone()))
            .unwrap_or_else(|| panic!("{id} is not failed"))
    };
    assert_eq!(
        reason("B"),
        ("tamoxifen".into(), stored.failed[0].reason.clone())
    );
    assert!(
        reason("D")
            .1
            .starts_with("not in run r1: no stored results"),
        "{:?}",
        reason("D")
    );
    assert!(
        reason("E")
            .1
            .contains("run the cohort again to count the new file"),
        "{:?}",
        reason("E")
    );
    let warned = |id: &str| {
        s.warnings
            .iter()
            .any(|w| w.contains(&format!("sample {id} will")))
    };
    assert!(!warned("A"), "{:?}", s.warnings);
    assert!(warned("B") && warned("D"), "{:?}", s.warnings);
    // The plan keeps the run's identity.
    assert_eq!(
        (plan.run_id.as_str(), plan.chrom.as_str(), plan.build),
        ("r1", "chr6", Build::Grch38)
    );
}
