//! Job messages are untrusted input: anyone who can publish to the broker can send one. A
//! message is decoded only when small enough, and run only when its id is the hex digest the
//! worker recomputes from its content and no location in it has a `..` component.

use crate::error::JobError;
use crate::storage::has_parent_component;
use esr1_proto::{decode, is_valid_job_id, RegionJob, JOB_ID_LEN};

/// Largest job message accepted (a job is a few kilobytes).
pub const MAX_JOB_MESSAGE_BYTES: usize = 1 << 20;

/// Decodes and checks a job message; every refusal is permanent (dead-letter the message,
/// write nothing).
pub fn decode_job(bytes: &[u8]) -> Result<RegionJob, JobError> {
    if bytes.len() > MAX_JOB_MESSAGE_BYTES {
        return Err(JobError::permanent(format!(
            "job message of {} bytes refused (at most {MAX_JOB_MESSAGE_BYTES})",
            bytes.len()
        )));
    }
    let job: RegionJob = decode(bytes).map_err(|e| JobError::permanent(e.to_string()))?;
    check_job(&job)?;
    Ok(job)
}

/// Refuses a job whose id is not the digest of its content or whose locations have a `..`
/// component.
pub fn check_job(job: &RegionJob) -> Result<(), JobError> {
    if !is_valid_job_id(&job.job_id) {
        return Err(JobError::permanent(format!(
            "job id {:?} refused: not {JOB_ID_LEN} lowercase hex characters",
            job.job_id.chars().take(80).collect::<String>()
        )));
    }
    let expected = job.content_id();
    if job.job_id != expected {
        return Err(JobError::permanent(format!(
            "job id {} refused: its content hashes to {expected}",
            job.job_id
        )));
    }
    let locations = [
        ("output", Some(job.output.as_str())),
        ("alignments", Some(job.sample.alignments.as_str())),
        ("index", job.sample.index.as_deref()),
        ("reference", Some(job.reference.as_str())),
    ];
    let stamped = job.inputs.files().map(|f| ("input", Some(f.uri.as_str())));
    for (what, uri) in locations.into_iter().chain(stamped) {
        if let Some(uri) = uri.filter(|u| has_parent_component(u)) {
            return Err(JobError::permanent(format!(
                "job {} refused: its {what} location {uri} has a '..' component",
                job.job_id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
