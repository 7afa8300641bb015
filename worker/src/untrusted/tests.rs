//! Tests of job-message validation.

use super::*;
use esr1_proto::{encode, encode_jobs};

fn job() -> RegionJob {
    crate::testing::job(("/data/ref.fa.gz", "/data/s.bam"), "S", (1, 100))
}

fn refused(j: &RegionJob) -> String {
    let e = decode_job(&encode(j)).unwrap_err();
    assert_eq!(e.kind, crate::error::FailureKind::Permanent);
    e.message
}

#[test]
fn a_job_as_planned_is_accepted() {
    assert_eq!(decode_job(&encode(&job())).ok(), Some(job()));
}

#[test]
fn a_traversing_or_forged_job_id_is_refused() {
    let mut j = job();
    j.job_id = "../../../x".into();
    assert!(refused(&j).contains("not 32 lowercase hex"));
    j.job_id = j.job_id.to_uppercase();
    assert!(refused(&j).contains("refused"));
    // Well-formed, but not this content's digest (e.g. another job's stored result).
    j.job_id = "0".repeat(32);
    assert!(refused(&j).contains("hashes to"));
    // Content changed after the id was computed.
    let mut j = job();
    j.sample.alignments = "/data/other.bam".into();
    assert!(refused(&j).contains("hashes to"));
}

#[test]
fn locations_with_parent_components_are_refused() {
    let mut j = job();
    j.output = "/data/out/../../etc".into();
    assert!(refused(&j).contains("output location"));
    let mut j = job();
    j.sample.alignments = "/data/allowed/../elsewhere/s.bam".into();
    j.job_id = j.content_id();
    assert!(refused(&j).contains("alignments location"));
    let mut j = job();
    j.reference = "s3://b/ref/../../x.fa".into();
    j.job_id = j.content_id();
    assert!(refused(&j).contains("reference location"));
}

#[test]
fn oversized_and_undecodable_messages_are_refused() {
    let mut j = job();
    j.report_sites = vec![1_000_000_000; MAX_JOB_MESSAGE_BYTES / 8];
    j.job_id = j.content_id();
    let e = decode_job(&encode(&j)).unwrap_err();
    assert!(e.message.contains("bytes refused"), "{e}");
    assert!(decode_job(b"{not json").is_err());
}

#[test]
fn a_bundle_runs_only_when_every_job_in_it_passes() {
    let a = job();
    let b = crate::testing::job(("/data/ref.fa.gz", "/data/t.bam"), "T", (1, 100));
    let both = JobBundle::new(vec![a.clone(), b.clone()]);
    assert_eq!(
        decode_jobs(&encode(&both)).ok(),
        Some(vec![a.clone(), b.clone()])
    );
    // What the coordinator publishes (borrowed jobs) is what the worker decodes.
    assert_eq!(encode_jobs(&[&a, &b]), encode(&both));
    // A message of one job is that job.
    assert_eq!(encode_jobs(&[&a]), encode(&a));
    assert_eq!(decode_jobs(&encode(&a)).ok(), Some(vec![a.clone()]));
    assert!(decode_jobs(&encode(&a)).ok() != decode_jobs(&encode(&both)).ok());
    // One refused job refuses the whole message, naming it.
    let mut bad = b.clone();
    bad.output = "/data/out/../../etc".into();
    let e = decode_jobs(&encode(&JobBundle::new(vec![a.clone(), bad]))).unwrap_err();
    assert_eq!(e.kind, crate::error::FailureKind::Permanent);
    assert!(
        e.message.contains("job 2 of 2") && e.message.contains("output location"),
        "{e}"
    );
    let mut forged = b;
    forged.job_id = "0".repeat(32);
    let e = decode_jobs(&encode(&JobBundle::new(vec![forged, a.clone()]))).unwrap_err();
    assert!(
        e.message.contains("job 1 of 2") && e.message.contains("hashes to"),
        "{e}"
    );
    // Empty and overfull bundles.
    for n in [0, MAX_BUNDLE_JOBS + 1] {
        let e = decode_jobs(&encode(&JobBundle::new(vec![a.clone(); n]))).unwrap_err();
        assert!(
            e.message.contains(&format!("bundle of {n} jobs refused")),
            "{e}"
        );
    }
    // A bundle whose jobs are not jobs, and bytes that are no JSON.
    let e = decode_jobs(
        format!(
            r#"{{"schema_version":{},"jobs":[1]}}"#,
            esr1_proto::SCHEMA_VERSION
        )
        .as_bytes(),
    )
    .unwrap_err();
    assert!(e.message.contains("job bundle"), "{e}");
    assert!(decode_jobs(b"{not json").is_err());
}
