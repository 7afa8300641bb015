//! The run's job list, `jobs.json` in its output location: written before any job runs, read
//! by `status` to know which jobs the run has, and by `report` for the whole plan (samples as
//! labelled, their jobs, the samples refused, the settings that shape the reports), so the
//! reports can be rebuilt without opening an alignment file.

use crate::plan::Plan;
use esr1_proto::CallingParams;
use esr1_science::consequence::CountRule;
use esr1_worker::storage::{join, Storage, StorageError};
use serde::{Deserialize, Serialize};

/// Name of the manifest object in a run's output location.
pub const MANIFEST_NAME: &str = "jobs.json";

/// The run's job list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Run id.
    pub run_id: String,
    /// Every planned job.
    pub job_ids: Vec<String>,
    /// The run as planned; absent from manifests written before `report` existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<StoredRun>,
}

/// What `report` needs besides the job results: the plan and the settings of the merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRun {
    /// Version of the counting model the jobs were planned for (`MODEL_VERSION`).
    pub model_version: String,
    /// Filters and thresholds of the run (also in every job).
    pub params: CallingParams,
    /// The run's `--count`.
    pub count: CountRule,
    /// The run's `--annotation`, as an absolute path.
    pub annotation: Option<String>,
    /// Samples with their jobs, and the samples refused before any job ran.
    pub plan: Plan,
    /// When the run started and when its last job ended (UTC, RFC 3339); absent from older
    /// manifests, the end absent while the run is under way.
    #[serde(default)]
    pub times: RunTimes,
}

/// When a run started and when its jobs were done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTimes {
    /// Start (UTC, `2026-11-29T21:55:02Z`).
    pub started: Option<String>,
    /// When every job had an outcome, before the merge.
    pub finished: Option<String>,
}

/// Now, in UTC, as RFC 3339 to the second (`2026-11-29T21:55:02Z`).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_of(secs)
}

/// Seconds since the epoch as RFC 3339 UTC (days to civil date: Howard Hinnant's algorithm).
pub fn utc_of(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

impl Manifest {
    /// The manifest of a planned run.
    pub fn of_run(run: StoredRun) -> Self {
        Self {
            run_id: run.plan.run_id.clone(),
            job_ids: run.plan.jobs().map(|j| j.job_id.clone()).collect(),
            run: Some(run),
        }
    }
}

/// The manifest could not be read or written. Each message names its cause, so no
/// `source()` is set (printing the chain would repeat it).
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The object cannot be read (not a run's output location, storage down …).
    #[error("cannot read {error} (is this a run's output location?)")]
    Unreadable {
        /// The storage failure, naming the object.
        error: StorageError,
    },
    /// The object is not a manifest.
    #[error("{uri} is not a run manifest: {error}")]
    Invalid {
        /// The manifest's URI.
        uri: String,
        /// Why it does not decode.
        error: serde_json::Error,
    },
    /// The manifest cannot be stored.
    #[error("cannot write the run manifest: {error}")]
    Unwritable {
        /// The storage failure, naming the object.
        error: StorageError,
    },
    /// The manifest cannot be encoded (not expected: it is ids only).
    #[error("cannot write the run manifest: {error}")]
    Unencodable {
        /// The encoder's error.
        error: serde_json::Error,
    },
}

/// Reads `jobs.json` of a run's output location.
pub fn read_manifest(storage: &dyn Storage, out: &str) -> Result<Manifest, ManifestError> {
    let uri = join(out, MANIFEST_NAME);
    let bytes = storage
        .get(&uri)
        .map_err(|error| ManifestError::Unreadable { error })?;
    serde_json::from_slice(&bytes).map_err(|error| ManifestError::Invalid { uri, error })
}

/// Writes `jobs.json` into a run's output location.
pub fn write_manifest(
    storage: &dyn Storage,
    out: &str,
    manifest: &Manifest,
) -> Result<(), ManifestError> {
    let uri = join(out, MANIFEST_NAME);
    let bytes = serde_json::to_vec_pretty(manifest)
        .map_err(|error| ManifestError::Unencodable { error })?;
    storage
        .put(&uri, &bytes)
        .map_err(|error| ManifestError::Unwritable { error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(utc_of(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day of a century divisible by 400) 12:34:56.
        assert_eq!(utc_of(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(utc_of(1_796_003_702), "2026-11-30T01:55:02Z");
        assert!(utc_now().ends_with('Z') && utc_now().len() == 20);
    }
    use esr1_worker::storage::LocalStorage;

    #[test]
    fn a_manifest_reads_back_and_a_missing_one_says_where_it_looked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().to_string_lossy().into_owned();
        let m = Manifest {
            run_id: "r1".into(),
            job_ids: vec!["a".into(), "b".into()],
            run: None,
        };
        let e = read_manifest(&LocalStorage, &out).unwrap_err();
        assert!(matches!(e, ManifestError::Unreadable { .. }), "{e}");
        assert!(
            e.to_string().contains("is this a run's output location?"),
            "{e}"
        );
        write_manifest(&LocalStorage, &out, &m).expect("write");
        assert_eq!(read_manifest(&LocalStorage, &out).expect("read"), m);
        LocalStorage
            .put(&join(&out, MANIFEST_NAME), b"{not json")
            .expect("put");
        let e = read_manifest(&LocalStorage, &out).unwrap_err();
        assert!(e.to_string().contains("is not a run manifest"), "{e}");
    }

    #[test]
    fn a_run_manifest_keeps_the_plan_and_an_older_one_still_reads() {
        use crate::plan::{FailedSample, Plan};
        use esr1_proto::{Material, SampleRef};
        use esr1_science::esr1::Build;
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().to_string_lossy().into_owned();
        let sample = SampleRef {
            patient: "P1".into(),
            sample: "S1".into(),
            day: -3,
            material: Material::Cfdna,
            therapy: "AI".into(),
            alignments: "/s1.bam".into(),
            index: None,
        };
        let m = Manifest::of_run(StoredRun {
            model_version: "m1".into(),
            params: CallingParams::default(),
            count: CountRule::Hotspots,
            annotation: Some("/a.gtf".into()),
            times: RunTimes {
                started: Some(utc_of(0)),
                finished: None,
            },
            plan: Plan {
                run_id: "r1".into(),
                build: Build::Grch37,
                chrom: "6".into(),
                reference: "/ref.fa".into(),
                samples: Vec::new(),
                failed: vec![FailedSample {
                    sample,
                    reason: "gone".into(),
                }],
                job_target: None,
            },
        });
        assert_eq!(m.run_id, "r1");
        write_manifest(&LocalStorage, &out, &m).expect("write");
        let text = std::fs::read_to_string(dir.path().join(MANIFEST_NAME)).expect("read");
        assert!(text.contains("\"build\": \"GRCh37\""), "{text}");
        assert!(text.contains("\"count\": \"hotspots\""), "{text}");
        assert_eq!(read_manifest(&LocalStorage, &out).expect("read"), m);
        LocalStorage
            .put(
                &join(&out, MANIFEST_NAME),
                br#"{"run_id": "r0", "job_ids": ["a"]}"#,
            )
            .expect("put");
        let old = read_manifest(&LocalStorage, &out).expect("an older manifest");
        assert_eq!((old.job_ids.len(), old.run), (1, None));
    }
}
