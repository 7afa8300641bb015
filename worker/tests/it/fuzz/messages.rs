//! Fuzz targets: job, event and result messages as a worker or coordinator decodes them —
//! arbitrary bytes, mutated valid messages (bytes and JSON tokens), and generated jobs with
//! arbitrary text in every field.

use super::{cases, mutate, mutations};
use esr1_proto::{
    decode, encode, CallingParams, EventKind, GenomicRegion, JobEvent, Material, RegionJob,
    RegionResult, RunContext, SampleRef,
};
use esr1_worker::untrusted::decode_job;
use proptest::prelude::*;

fn job(sample: &str, alignments: &str, output: &str, start: u64, end: u64) -> RegionJob {
    RegionJob::new(
        &RunContext {
            run_id: "run-1".into(),
            reference: "/data/ref/chr6.fa.gz".into(),
            params: CallingParams::default(),
            model_version: "m1".into(),
            output: output.into(),
        },
        SampleRef {
            patient: "P01".into(),
            sample: sample.into(),
            day: 0,
            material: Material::Cfdna,
            therapy: "AI".into(),
            alignments: alignments.into(),
            index: None,
        },
        GenomicRegion {
            contig: "chr6".into(),
            start,
            end,
        },
        vec![152_098_788],
    )
}

fn seeds() -> Vec<Vec<u8>> {
    let j = job("P01_C1", "/data/bams/P01_C1.bam", "/data/out", 1, 100);
    let done = JobEvent::new(
        "run-1",
        &j.job_id,
        "P01_C1",
        EventKind::Done {
            result_key: "results/x.json".into(),
        },
        "w1",
    );
    let failed = JobEvent::new(
        "run-1",
        &j.job_id,
        "P01_C1",
        EventKind::Failed {
            reason: "corrupt".into(),
        },
        "w1",
    );
    let result = RegionResult::new(&j.job_id, "P01_C1", j.region.clone());
    vec![encode(&j), encode(&done), encode(&failed), encode(&result)]
}

/// Every decoder over the same bytes: none may panic, and an accepted job is one whose id is
/// its content's digest and whose locations have no `..` component.
fn decode_all(bytes: &[u8]) {
    if let Ok(j) = decode_job(bytes) {
        assert_eq!(j.job_id, j.content_id());
        for uri in [&j.output, &j.sample.alignments, &j.reference] {
            assert!(!uri.split('/').any(|c| c == ".."), "{uri}");
        }
    }
    let _ = decode::<RegionJob>(bytes);
    let _ = decode::<JobEvent>(bytes);
    let _ = decode::<RegionResult>(bytes);
}

/// JSON fragments a mutating fuzzer with a dictionary would splice in.
fn token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b"\"..\""[..],
        b"\"../../x\"",
        b"null",
        b"-1",
        b"1e999",
        b"18446744073709551616",
        b"{}",
        b"[]",
        b"\"\\u0000\"",
        b"\"\\ud800\"",
        b",",
        b":",
        b"\"schema_version\":2,",
        b"\"status\":\"done\",",
        b"9",
    ])
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn arbitrary_bytes_are_refused_or_decoded_never_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512)
    ) {
        decode_all(&bytes);
    }

    #[test]
    fn mutated_messages_are_refused_or_decoded_never_a_panic(
        seed in 0usize..4,
        edits in mutations(6),
        splices in prop::collection::vec((any::<usize>(), token()), 0..4),
    ) {
        let mut bytes = mutate(&seeds()[seed], &edits);
        for (at, t) in splices {
            let i = at % (bytes.len() + 1);
            bytes.splice(i..i, t.iter().copied());
        }
        decode_all(&bytes);
    }

    #[test]
    fn generated_jobs_are_accepted_exactly_when_no_location_escapes(
        sample in ".{0,40}",
        dir in prop::sample::select(vec!["/data", "/data/..", "s3://b/p", "s3://b/../c", "..", "/d/.../x"]),
        name in "[a-zA-Z0-9_./-]{0,30}",
        start in any::<u64>(),
        end in any::<u64>(),
    ) {
        let alignments = format!("{dir}/{name}");
        let j = job(&sample, &alignments, "/data/out", start, end);
        let escapes = alignments.split('/').any(|c| c == "..");
        match decode_job(&encode(&j)) {
            Ok(decoded) => {
                prop_assert!(!escapes, "{alignments} accepted");
                prop_assert_eq!(decoded, j);
            }
            Err(e) => {
                prop_assert!(escapes, "{alignments} refused: {e}");
                prop_assert!(e.message.contains("'..'"), "{e}");
            }
        }
    }
}
