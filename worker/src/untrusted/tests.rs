//! Tests of job-message validation.

use super::*;
use esr1_proto::encode;

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
