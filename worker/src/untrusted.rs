//! Job messages are untrusted input: anyone who can publish to the broker can send one. A
//! message is decoded only when small enough, and run only when its id is the hex digest the
//! worker recomputes from its content and no location in it has a `..` component. A message
//! holds one job or a bundle of them ([`JobBundle`]): a bundle is run only when every job in
//! it passes.

use crate::error::JobError;
use crate::storage::has_parent_component;
use esr1_proto::{decode, is_valid_job_id, JobBundle, RegionJob, JOB_ID_LEN, MAX_BUNDLE_JOBS};

/// Largest job message accepted (a job is a few kilobytes, a bundle at most
/// [`MAX_BUNDLE_JOBS`] of them).
pub const MAX_JOB_MESSAGE_BYTES: usize = 1 << 20;

/// Decodes and checks a message of one job; every refusal is permanent (dead-letter the
/// message, write nothing).
pub fn decode_job(bytes: &[u8]) -> Result<RegionJob, JobError> {
    bounded(bytes)?;
    let job: RegionJob = decode(bytes).map_err(|e| JobError::permanent(e.to_string()))?;
    check_job(&job)?;
    Ok(job)
}

/// Decodes and checks a job message, of one job or a bundle ([`JobBundle`]: 1 to
/// [`MAX_BUNDLE_JOBS`] jobs, each checked as [`decode_job`] checks one); the jobs in the
/// order they are to run. Every refusal is permanent and refuses the whole message.
pub fn decode_jobs(bytes: &[u8]) -> Result<Vec<RegionJob>, JobError> {
    bounded(bytes)?;
    /// Whether the message is a bundle: it has a `jobs` field.
    #[derive(serde::Deserialize)]
    struct Shape {
        jobs: Option<serde::de::IgnoredAny>,
    }
    let bundle = serde_json::from_slice::<Shape>(bytes).is_ok_and(|s| s.jobs.is_some());
    if !bundle {
        return decode_job(bytes).map(|job| vec![job]);
    }
    let bundle: JobBundle = decode(bytes).map_err(|e| JobError::permanent(e.to_string()))?;
    if bundle.jobs.is_empty() || bundle.jobs.len() > MAX_BUNDLE_JOBS {
        return Err(JobError::permanent(format!(
            "job bundle of {} jobs refused (1 to {MAX_BUNDLE_JOBS})",
            bundle.jobs.len()
        )));
    }
    for (i, job) in bundle.jobs.iter().enumerate() {
        check_job(job).map_err(|e| {
            JobError::permanent(format!(
                "job bundle refused: job {} of {}: {}",
                i + 1,
                bundle.jobs.len(),
                e.message
            ))
        })?;
    }
    Ok(bundle.jobs)
}

/// Refuses a message over [`MAX_JOB_MESSAGE_BYTES`].
fn bounded(bytes: &[u8]) -> Result<(), JobError> {
    if bytes.len() > MAX_JOB_MESSAGE_BYTES {
        return Err(JobError::permanent(format!(
            "job message of {} bytes refused (at most {MAX_JOB_MESSAGE_BYTES})",
            bytes.len()
        )));
    }
    Ok(())
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
