//! Tests of [`super`]: region results, their sites' allele support and their wire format.
use super::*;
use crate::{decode, encode, DecodeError, EventKind, JobEvent, RegionJob};

fn region() -> GenomicRegion {
    GenomicRegion {
        contig: "chr6".into(),
        start: 100,
        end: 200,
    }
}

fn job() -> RegionJob {
    RegionJob::new(
        &crate::RunContext {
            run_id: "run1".into(),
            reference: "/ref.fa.gz".into(),
            params: crate::CallingParams::default(),
            model_version: "m1".into(),
            output: "/out".into(),
        },
        crate::SampleRef {
            patient: "P1".into(),
            sample: "S1".into(),
            day: -3,
            material: crate::Material::Cfdna,
            therapy: "AI".into(),
            alignments: "/data/S1.bam".into(),
            index: None,
        },
        region(),
        vec![150],
    )
}

#[test]
fn result_round_trips_through_json() {
    let mut r = RegionResult::new("j", "S1", region());
    r.sites.push(SiteCounts {
        pos: 150,
        ref_base: 'A',
        forward: BaseCounts {
            a: 10,
            c: 2,
            ..Default::default()
        },
        reverse: BaseCounts::default(),
        indels: vec![AlleleCount {
            allele: "+TT".into(),
            forward: 1,
            reverse: 2,
        }],
        expected_errors: 0.01,
        mnvs: vec![MnvCount {
            ref_allele: "AC".into(),
            alt_allele: "CG".into(),
            forward: 1,
            reverse: 0,
        }],
        in_mnv: BaseCounts {
            c: 1,
            ..Default::default()
        },
        in_mnv_reverse: BaseCounts::default(),
        near_read_end: BaseCounts {
            a: 3,
            ..Default::default()
        },
        f1r2: BaseCounts {
            a: 4,
            ..Default::default()
        },
    });
    r.blocks.push(ReferenceBlock {
        start: 100,
        end: 149,
        min_depth: 7,
        max_alt: 0,
    });
    r.qc.filtered.duplicate = 4;
    let back: RegionResult = decode(&encode(&r)).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.depth_at(150), Some(12));
    assert_eq!(back.depth_at(120), Some(7));
    assert_eq!(back.depth_at(180), None);
}

#[test]
fn a_site_is_an_array_of_its_counts_and_leaves_out_what_is_empty() {
    let plain = SiteCounts {
        pos: 5,
        ref_base: 'A',
        forward: BaseCounts {
            a: 1,
            t: 2,
            ..Default::default()
        },
        expected_errors: 0.5,
        ..Default::default()
    };
    let json = serde_json::to_string(&plain).unwrap();
    assert_eq!(
        json,
        r#"[5,"A",[1,0,0,2,0],[0,0,0,0,0],0.5,[0,0,0,0,0],[0,0,0,0,0]]"#
    );
    assert_eq!(serde_json::from_str::<SiteCounts>(&json).unwrap(), plain);
    let full = SiteCounts {
        indels: vec![AlleleCount {
            allele: "-2".into(),
            forward: 1,
            reverse: 0,
        }],
        mnvs: vec![MnvCount {
            ref_allele: "AC".into(),
            alt_allele: "GT".into(),
            forward: 0,
            reverse: 1,
        }],
        in_mnv: BaseCounts {
            g: 1,
            ..Default::default()
        },
        in_mnv_reverse: BaseCounts {
            g: 1,
            ..Default::default()
        },
        near_read_end: BaseCounts {
            t: 1,
            ..Default::default()
        },
        f1r2: BaseCounts {
            a: 1,
            del: 3,
            ..Default::default()
        },
        ..plain
    };
    let json = serde_json::to_string(&full).unwrap();
    assert_eq!(
        json,
        r#"[5,"A",[1,0,0,2,0],[0,0,0,0,0],0.5,[0,0,0,1,0],[1,0,0,0,3],{"indels":[{"allele":"-2","forward":1,"reverse":0}],"mnvs":[{"ref_allele":"AC","alt_allele":"GT","forward":0,"reverse":1}],"in_mnv":[0,0,1,0,0],"in_mnv_reverse":[0,0,1,0,0]}]"#
    );
    assert_eq!(serde_json::from_str::<SiteCounts>(&json).unwrap(), full);
    // Only what a site has is written; what is missing reads back empty.
    let only_indel = SiteCounts {
        mnvs: Vec::new(),
        in_mnv: BaseCounts::default(),
        in_mnv_reverse: BaseCounts::default(),
        ..full.clone()
    };
    let json = serde_json::to_string(&only_indel).unwrap();
    assert!(
        json.ends_with(r#"{"indels":[{"allele":"-2","forward":1,"reverse":0}]}]"#),
        "{json}"
    );
    assert_eq!(
        serde_json::from_str::<SiteCounts>(&json).unwrap(),
        only_indel
    );
    // A site short of its seven counts, with one too many, or with an unknown rare field is
    // refused, naming what was expected.
    for bad in [
        r#"[5,"A",[1,0,0,2,0],[0,0,0,0,0],0.5,[0,0,0,0,0]]"#,
        r#"[5,"A",[1,0,0,2,0],[0,0,0,0,0],0.5,[0,0,0,0,0],[0,0,0,0,0],{},1]"#,
        r#"[5,"A",[1,0,0,2,0],[0,0,0,0,0],0.5,[0,0,0,0,0],[0,0,0,0,0],{"indel":[]}]"#,
        r#"{"pos":5,"ref_base":"A","forward":[1,0,0,2,0],"reverse":[0,0,0,0,0],"expected_errors":0.5}"#,
    ] {
        let e = serde_json::from_str::<SiteCounts>(bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("site") || e.contains("unknown field") || e.contains("trailing"),
            "{bad}: {e}"
        );
    }
    let block = ReferenceBlock {
        start: 1,
        end: 1024,
        min_depth: 30,
        max_alt: 2,
    };
    let json = serde_json::to_string(&block).unwrap();
    assert_eq!(json, "[1,1024,30,2]");
    assert_eq!(
        serde_json::from_str::<ReferenceBlock>(&json).unwrap(),
        block
    );
}

#[test]
fn allele_support_reads_snvs_indels_and_mnvs_in_vcf_style() {
    let s = SiteCounts {
        pos: 152_098_785,
        ref_base: 'T',
        forward: BaseCounts {
            t: 90,
            a: 7,
            ..Default::default()
        },
        reverse: BaseCounts {
            t: 80,
            a: 5,
            ..Default::default()
        },
        indels: vec![
            AlleleCount {
                allele: "+TT".into(),
                forward: 2,
                reverse: 1,
            },
            AlleleCount {
                allele: "-2".into(),
                forward: 4,
                reverse: 0,
            },
        ],
        mnvs: vec![MnvCount {
            ref_allele: "TC".into(),
            alt_allele: "AG".into(),
            forward: 6,
            reverse: 3,
        }],
        in_mnv: BaseCounts {
            a: 9,
            ..Default::default()
        },
        in_mnv_reverse: BaseCounts {
            a: 3,
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(s.allele_support("T", "A"), (7, 5), "raw SNV");
    assert_eq!(s.allele_support("t", "a"), (7, 5));
    assert_eq!(s.snv_only_support(b'A'), (1, 2));
    assert_eq!(s.allele_support("T", "TTT"), (2, 1));
    assert_eq!(s.allele_support("TCA", "T"), (4, 0));
    assert_eq!(s.allele_support("TC", "AG"), (6, 3));
    assert_eq!(s.allele_support("TC", "AC"), (0, 0));
    assert_eq!(
        s.allele_support("G", "A"),
        (0, 0),
        "REF is not this site's base"
    );
    assert_eq!(s.allele_support("T", "T"), (0, 0));
    assert_eq!(
        s.allele_support("TC", "A"),
        (0, 0),
        "not a deletion of the anchor"
    );
    assert_eq!(s.allele_support("", ""), (0, 0));
    assert_eq!(s.allele_support("TCA", "GG"), (0, 0), "complex");
}

#[test]
fn job_and_event_round_trip_and_job_id_is_content_derived() {
    let j = job();
    let back: RegionJob = decode(&encode(&j)).unwrap();
    assert_eq!(back, j);
    let mut other = job();
    other.run_id = "another-run".into();
    other.output = "/elsewhere".into();
    other.job_id = other.content_id();
    assert_eq!(other.job_id, j.job_id, "run id is not part of the content");
    let mut moved = job();
    moved.region.end = 201;
    assert_ne!(moved.content_id(), j.job_id);

    let e = JobEvent::new(
        "run1",
        &j.job_id,
        "S1",
        EventKind::Failed {
            reason: "corrupt".into(),
        },
        "w1",
    );
    let back: JobEvent = decode(&encode(&e)).unwrap();
    assert_eq!(back, e);
}

#[test]
fn unknown_schema_version_is_rejected_with_a_clear_error() {
    let mut v: serde_json::Value = serde_json::from_slice(&encode(&job())).unwrap();
    v["schema_version"] = serde_json::json!(99);
    let err = decode::<RegionJob>(v.to_string().as_bytes()).unwrap_err();
    assert_eq!(
        err,
        DecodeError::UnsupportedVersion {
            kind: "region job",
            found: Some(99),
            supported: crate::SCHEMA_VERSION
        }
    );
    assert!(err.to_string().contains("schema_version 99"));
    let err = decode::<RegionJob>(b"{\"job_id\":\"x\"}").unwrap_err();
    assert!(err.to_string().contains("no schema_version"), "{err}");
    let err = decode::<RegionJob>(b"not json").unwrap_err();
    assert!(matches!(err, DecodeError::Malformed { .. }));
}
