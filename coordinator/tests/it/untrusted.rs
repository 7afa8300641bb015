//! Job messages from anyone who can publish to the broker, on a real RabbitMQ: a job whose id
//! climbs out of the run (`../`), a job signed with another key and an unsigned one are
//! dead-lettered with their reason by a worker that holds `ESR1_JOB_KEY`, nothing is written
//! for them, and the run signed with the right key completes beside them.

use crate::broker::{amqp_url, depth, unique, Worker};
use crate::distributed::{distributed_with, Cleanup};
use esr1_coordinator::distributed::AmqpOptions;
use esr1_proto::{CallingParams, GenomicRegion, Material, RegionJob, RunContext, SampleRef};
use esr1_worker::queue::{connect, publish_job, Topology, REFUSED_HEADER};
use esr1_worker::signing::JobKey;
use lapin::options::BasicGetOptions;
use std::path::Path;

/// A job over one of the cohort's real BAMs that would write its result under `output`.
fn forged(dir: &Path, reference: &Path, output: &Path) -> RegionJob {
    RegionJob::new(
        &RunContext {
            run_id: "intruder".into(),
            reference: reference.to_string_lossy().into_owned(),
            params: CallingParams::default(),
            model_version: "m".into(),
            output: output.to_string_lossy().into_owned(),
        },
        SampleRef {
            patient: "P01".into(),
            sample: "P01_T0".into(),
            day: 0,
            material: Material::Tumor,
            therapy: "AI".into(),
            alignments: dir
                .join("cohort/bams/P01_T0.bam")
                .to_string_lossy()
                .into_owned(),
            index: None,
        },
        GenomicRegion {
            contig: "chr6".into(),
            start: 152_098_700,
            end: 152_099_100,
        },
        vec![],
    )
}

#[test]
fn forged_and_wrongly_signed_jobs_are_dead_lettered_and_write_nothing_outside_the_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 28);
    let (url, prefix, run_id) = (amqp_url(), unique("signed"), "run-signed");
    let _c = Cleanup(&url, &prefix, run_id);
    let key = "the shared job key";
    let (right, wrong) = (
        JobKey::new(key.as_bytes()).unwrap_or_else(|| panic!("key")),
        JobKey::new(b"another key").unwrap_or_else(|| panic!("key")),
    );
    let out = dir.path().join("dist");
    let outside = dir.path().join("outside");
    // Signed with the right key, but its id climbs out of the run's results.
    let mut climbing = forged(dir.path(), &sim.reference, &out.join("results/a/b"));
    climbing.job_id = "../../../x".into();
    // Well-formed, but writing outside the run: signed with another key, and unsigned.
    let elsewhere = forged(dir.path(), &sim.reference, &outside);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let t = Topology::new(&prefix);
    rt.block_on(async {
        let (conn, ch) = connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        t.declare(&ch).await.unwrap_or_else(|e| panic!("{e}"));
        for (job, key) in [
            (&climbing, Some(&right)),
            (&elsewhere, Some(&wrong)),
            (&elsewhere, None),
        ] {
            publish_job(&ch, &t.jobs(), "intruder", job, key)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let _ = conn.close(200, "".into()).await;
    });
    let w = Worker::start_with_env(
        &url,
        &prefix,
        0,
        &dir.path().join("w.log"),
        &[("ESR1_JOB_KEY".into(), key.into())],
    );
    let amqp = AmqpOptions {
        job_key: Some(right),
        ..AmqpOptions::new(&url, &prefix)
    };
    let result = distributed_with(&sim, &sim.samplesheet, &out, amqp, run_id)
        .join()
        .unwrap_or_else(|_| panic!("coordinator"));
    assert_eq!(result.report.jobs_failed, 0, "the signed run completes");
    assert_eq!(result.report.jobs_done, result.plan.jobs().count());
    let log = w.log_text();
    for reason in [
        "not 32 lowercase hex",
        "job signature does not match",
        "unsigned job refused",
    ] {
        assert!(log.contains(reason), "'{reason}' not logged:\n{log}");
    }
    assert_eq!(
        w.metric("esr1_worker_jobs_total{outcome=\"dead_lettered\"}"),
        3.0
    );
    assert_eq!(depth(&url, &t.dead_letters()), 3, "all three dead-lettered");
    // Each dead letter says why.
    let reasons: Vec<String> = rt.block_on(async {
        let (conn, ch) = connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        let mut reasons = Vec::new();
        while let Ok(Some(m)) = ch
            .basic_get(
                t.dead_letters().as_str().into(),
                BasicGetOptions { no_ack: true },
            )
            .await
        {
            let h = m.delivery.properties.headers().clone().unwrap_or_default();
            if let Some(lapin::types::AMQPValue::LongString(r)) = h.inner().get(REFUSED_HEADER) {
                reasons.push(r.to_string());
            }
        }
        let _ = conn.close(200, "".into()).await;
        reasons
    });
    assert_eq!(reasons.len(), 3);
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("refused") || r.contains("match")),
        "{reasons:?}"
    );
    // Nothing written for them: no file outside the run, no `x.result.json` anywhere.
    assert!(
        !outside.exists(),
        "a wrongly signed job wrote {}",
        outside.display()
    );
    let stray: Vec<_> = crate::util::files_under(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("x.result") || p.starts_with(&outside))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
