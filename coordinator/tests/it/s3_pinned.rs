//! Reads pinned to the version a job was planned on, on a real S3 server (Garage): an object
//! replaced between the HEAD that stamped it and a ranged read of it answers `If-Match` with
//! 412, and the job fails once, permanently, naming the object — never counting bytes of two
//! files.

use crate::garage::BUCKET;
use crate::s3::{job_for, uploaded};
use esr1_proto::{JobInputs, Material, SampleRef};
use esr1_worker::storage::{
    CountingStorage, ObjectMeta, RequestLog, RetryingStorage, Router, S3Config, SharedStorage,
    Storage, StorageError,
};
use esr1_worker::{run_job, Caches, FailureKind};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Storage that replaces one object with other bytes just before the first read of it after
/// being armed: the window between a job's HEAD and its reads, made certain.
struct ReplaceBeforeRead {
    inner: Arc<dyn Storage>,
    /// (object, replacement) to swap in at the next read of that object.
    armed: Mutex<Option<(String, Vec<u8>)>>,
}

impl ReplaceBeforeRead {
    fn arm(&self, uri: &str, replacement: Vec<u8>) {
        if let Ok(mut a) = self.armed.lock() {
            *a = Some((uri.to_owned(), replacement));
        }
    }
}

impl Storage for ReplaceBeforeRead {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        let swap = self.armed.lock().ok().and_then(|mut a| match a.as_ref() {
            Some((target, _)) if target == uri => a.take(),
            _ => None,
        });
        if let Some((target, bytes)) = swap {
            self.inner
                .put(&target, &bytes)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        self.inner.get_range_if(uri, range, version)
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.inner.get(uri)
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.inner.put(uri, bytes)
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.inner.list(prefix)
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        self.inner.head(uri)
    }
}

/// Ranged reads of `uri` in a request log.
fn reads_of(log: &RequestLog, uri: &str) -> usize {
    let log = log.lock().unwrap_or_else(|e| e.into_inner());
    log.iter()
        .filter(|r| r.op == "get_range" && r.uri == uri)
        .count()
}

#[test]
fn an_object_replaced_between_its_head_and_a_read_fails_the_job_naming_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_sim, g, plain) = uploaded(dir.path(), 35);
    // The production decorators, with every attempt that reaches the server counted.
    let env: HashMap<String, String> = g.env().into_iter().collect();
    let counting = CountingStorage::new(Router::new(Some(S3Config::from_env(&env)), Vec::new()));
    let attempts = counting.log();
    let production: SharedStorage =
        Arc::new(RetryingStorage::new(counting, Duration::from_secs(5)));
    let storage = ReplaceBeforeRead {
        inner: production,
        armed: Mutex::new(None),
    };

    let bams = format!("s3://{BUCKET}/cohort/bams");
    let bam = format!("{bams}/P01_T1.bam");
    let sample = SampleRef {
        patient: "P01".into(),
        sample: "P01_T1".into(),
        day: 10,
        material: Material::Tumor,
        therapy: "AI".into(),
        alignments: bam.clone(),
        index: None,
    };
    let reference = format!("s3://{BUCKET}/cohort/reference/chr6_esr1.fa.gz");
    let stamp = |uri: &str| {
        plain
            .head(uri)
            .map(|m| m.stamp(uri))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let job = |sample: &SampleRef| {
        job_for(sample.clone(), &reference, 152_098_000, 152_100_000).with_inputs(JobInputs {
            alignments: Some(stamp(&sample.alignments)),
            index: Some(stamp(&format!("{}.bai", sample.alignments))),
            reference: Vec::new(),
        })
    };
    let other =
        std::fs::read(dir.path().join("cohort/bams/P03_T1.bam")).unwrap_or_else(|e| panic!("{e}"));

    // Undisturbed, the job counts reads; the worker keeps the file's header and index.
    let caches = Caches::default();
    let first = job(&sample);
    let planned = first.inputs.alignments.clone().unwrap_or_default();
    let counted = run_job(&first, &storage, &caches).unwrap_or_else(|e| panic!("{e}"));
    assert!(counted.qc.requests > 0 && counted.qc.bytes_fetched > 0);

    // The BAM replaced after the worker checked its stamp (HEAD) and before it read the
    // region's bytes: the read is refused, once, and the job fails for good, naming the file.
    storage.arm(&bam, other);
    let before = reads_of(&attempts, &bam);
    let e = run_job(&first, &storage, &caches).unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent, "{e}");
    assert!(
        e.message
            .contains(&format!("{bam} changed while it was read"))
            && e.message.contains(&format!("ETag {}", planned.version))
            && e.message.contains("rerun"),
        "{e}"
    );
    assert_eq!(reads_of(&attempts, &bam) - before, 1, "not retried");

    // The same between the HEAD of a sample's index and the read of it (a worker opening the
    // sample for the first time).
    let index = format!("{bams}/P02_T1.bam.bai");
    let second = job(&SampleRef {
        sample: "P02_T1".into(),
        alignments: format!("{bams}/P02_T1.bam"),
        ..sample.clone()
    });
    let other_index = std::fs::read(dir.path().join("cohort/bams/P03_T1.bam.bai"))
        .unwrap_or_else(|e| panic!("{e}"));
    storage.arm(&index, other_index);
    let e = run_job(&second, &storage, &Caches::default()).unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent, "{e}");
    assert!(
        e.message
            .contains(&format!("{index} changed while it was read")),
        "{e}"
    );
}
