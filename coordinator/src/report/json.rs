//! `summary.json`: the [`Summary`] as pretty-printed JSON with one trailing newline.
//!
//! Keys are written in alphabetical order at every level, as the file always had them. Our own
//! structs declare their fields in that order; rows owned by other crates
//! ([`esr1_science::cohort::FrequencyRow`], [`esr1_science::cohort::ArmComparison`]) do not,
//! so the summary goes through `serde_json`'s sorted map before it is printed.

use crate::report::summary::Summary;

/// `summary.json` text.
pub fn summary_json(summary: &Summary) -> Result<String, serde_json::Error> {
    let sorted = serde_json::to_value(summary)?;
    Ok(serde_json::to_string_pretty(&sorted)? + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::{
        BackgroundJson, DaySpread, DaysToFirstDetection, JobCounts, PatientCounts, PerFamily,
        SampleCounts,
    };
    use esr1_science::cohort::{ArmComparison, FrequencyRow};

    fn spread() -> DaySpread {
        DaySpread {
            max: Some(703),
            median: Some(535.0),
            min: Some(278),
            patients: 5,
        }
    }

    fn summary() -> Summary {
        Summary {
            arm_comparisons: vec![ArmComparison {
                arm_a: "AI".into(),
                arm_b: "tamoxifen".into(),
                acquired_a: 4,
                evaluable_a: 7,
                acquired_b: 1,
                evaluable_b: 4,
                fisher_p: 0.5454545454545454,
            }],
            background: BackgroundJson {
                background_samples: 12,
                fdr: 0.01,
                hotspot_fdr: 0.05,
                per_test_threshold: PerFamily {
                    hotspot: 9.960159362549801e-5,
                    other: 2.735858348198164e-8,
                },
                prior_overdispersion: 0.00048179348914276335,
                tests: PerFamily {
                    hotspot: 502,
                    other: 365516,
                },
            },
            build: "GRCh38".into(),
            chrom: "chr6".into(),
            count: esr1_science::consequence::CountRule::ProteinAltering,
            days_to_first_detection: DaysToFirstDetection {
                from_baseline: spread(),
                from_therapy_start: DaySpread {
                    max: None,
                    median: None,
                    min: None,
                    patients: 0,
                },
            },
            failed_samples: Vec::new(),
            frequencies: vec![FrequencyRow {
                group: "cohort".into(),
                n_evaluable: 11,
                n_acquired: 5,
                fraction: 0.45454545454545453,
                ci_low: 0.21271271622459764,
                ci_high: 0.719908462590678,
            }],
            inputs: vec![esr1_proto::FileStamp {
                uri: "bams/P1_T0.bam".into(),
                size: 1234,
                version: "1700000000000000000".into(),
                checksum: Some("sha256-ends-64k:ab12".into()),
            }],
            jobs: JobCounts {
                done: 40,
                failed: 0,
                target_bytes: Some(262_144),
                total: 40,
            },
            patients: PatientCounts {
                acquired: 5,
                evaluable: 11,
                polyclonal_acquired: 1,
                total: 12,
            },
            reference: "ref.fa".into(),
            run_id: "roles".into(),
            samples: SampleCounts {
                failed: 0,
                identity_mismatch: 0,
                low_coverage: 0,
                ok: 36,
                total: 36,
            },
            tool: "esr1-coordinator 0.1.0".into(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_group_without_an_evaluable_patient_has_null_fraction_and_interval() {
        let mut s = summary();
        s.frequencies.push(FrequencyRow {
            group: "arm:tamoxifen".into(),
            n_evaluable: 0,
            n_acquired: 0,
            fraction: 0.0,
            ci_low: 0.0,
            ci_high: 0.0,
        });
        let text = summary_json(&s).expect("serialises");
        let value: serde_json::Value = serde_json::from_str(&text).expect("parses");
        let rows = value["frequencies"].as_array().expect("an array");
        assert_eq!(rows.len(), 2);
        let defined = rows[0]["fraction"].as_f64().expect("a number");
        assert!((defined - 5.0 / 11.0).abs() < 1e-12, "{text}");
        assert!(rows[1]["fraction"].is_null(), "{text}");
        assert!(rows[1]["ci_low"].is_null() && rows[1]["ci_high"].is_null());
        assert_eq!(rows[1]["n_evaluable"], 0);
    }

    /// The keys of every object, in the order written, must be sorted (the file's format
    /// since its first version).
    #[test]
    fn keys_are_sorted_at_every_level() {
        let text = summary_json(&summary()).expect("serialises");
        assert!(text.ends_with("}\n"));
        let mut stack: Vec<Vec<String>> = Vec::new();
        for line in text.lines() {
            let t = line.trim();
            if let Some(rest) = t.strip_prefix('"') {
                if let Some((key, _)) = rest.split_once("\":") {
                    if let Some(keys) = stack.last_mut() {
                        keys.push(key.to_owned());
                    }
                }
            }
            if t.ends_with('{') {
                stack.push(Vec::new());
            }
            if t.starts_with('}') {
                let keys = stack.pop().expect("balanced");
                let mut sorted = keys.clone();
                sorted.sort();
                assert_eq!(keys, sorted);
            }
        }
        for key in [
            "\"arm_comparisons\"",
            "\"days_to_first_detection\"",
            "\"per_test_threshold\"",
            "\"polyclonal_acquired\"",
            "\"from_therapy_start\"",
        ] {
            assert!(text.contains(key), "{key}");
        }
        assert!(text.contains("\"median\": 535.0,"));
        assert!(text.contains("\"count\": \"protein-altering\","), "{text}");
        assert!(
            text.contains("\"checksum\": \"sha256-ends-64k:ab12\","),
            "{text}"
        );
        assert!(text.contains("\"median\": null,"));
        assert!(text.contains("\"hotspot\": 0.00009960159362549801,"));
    }
}
