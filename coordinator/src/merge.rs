//! The cohort merge: job results → per-sample calls and QC → per-patient variant status →
//! cohort frequencies. Every planned job is looked up exactly once by its id, so a result
//! delivered twice is still counted once, and a job without a result fails its sample.

use crate::plan::Plan;
use crate::vcf::{VcfGenotype, VcfVariant};
use esr1_proto::{CallingParams, FilterCounts, Material, RegionQc, SampleRef};
use esr1_science::classify::classify_patient;
use esr1_science::cohort::{cohort_frequencies, FrequencyRow, PatientOutcome, VariantStatus};
use esr1_science::esr1::{Build, Esr1Model};
use esr1_science::naming::Annotation;
use esr1_science::recall::{is_background, recall, CohortCalls, RecalledCall};
use esr1_science::sample::SampleData;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub use esr1_worker::store::JobOutcome;

/// One line of `calls.tsv`.
#[derive(Debug, Clone, Serialize)]
pub struct CallRow {
    /// Sample id.
    pub sample: String,
    /// Patient id.
    pub patient: String,
    /// Days from therapy start.
    pub day: i64,
    /// tumor, cfdna or normal.
    pub material: Material,
    /// Chromosome (the reference's name).
    pub chrom: String,
    /// VCF position.
    pub pos: u64,
    /// VCF REF.
    pub ref_allele: String,
    /// VCF ALT.
    pub alt_allele: String,
    /// Protein change (`Y537S`), empty outside the CDS.
    pub protein: String,
    /// Hotspot name when the variant is a known hotspot.
    pub hotspot: String,
    /// HGVS coding change against NM_000125.4 (empty when it cannot be placed).
    pub hgvs_c: String,
    /// HGVS protein change (empty outside the coding sequence).
    pub hgvs_p: String,
    /// Alt fragments.
    pub alt_reads: u32,
    /// Alt fragments on the forward strand.
    pub alt_forward: u32,
    /// Alt fragments on the reverse strand.
    pub alt_reverse: u32,
    /// Fragments covering the position.
    pub depth: u32,
    /// Allele fraction.
    pub vaf: f64,
    /// P-value against sequencing error (base qualities).
    pub error_p: f64,
    /// Mean of the allele's cohort background (leave-patient-out).
    pub background_mean: f64,
    /// P-value against the cohort background.
    pub background_p: f64,
    /// Benjamini–Hochberg q-value (hotspot or other family).
    pub q_value: f64,
    /// PASS or the failed filters.
    pub filter: String,
}

/// One line of `patients.tsv`.
#[derive(Debug, Clone, Serialize)]
pub struct PatientRow {
    /// Patient id.
    pub patient: String,
    /// Therapy arm.
    pub therapy: String,
    /// Chromosome.
    pub chrom: String,
    /// VCF position.
    pub pos: u64,
    /// VCF REF.
    pub ref_allele: String,
    /// VCF ALT.
    pub alt_allele: String,
    /// Protein change.
    pub protein: String,
    /// Hotspot name, if any.
    pub hotspot: String,
    /// HGVS coding change.
    pub hgvs_c: String,
    /// HGVS protein change.
    pub hgvs_p: String,
    /// acquired, pre-existing, germline or indeterminate.
    pub status: VariantStatus,
    /// Largest baseline depth at the position (0 without a usable baseline).
    pub baseline_depth: u32,
    /// Power of the best baseline to detect the variant at its largest later VAF.
    pub baseline_power: f64,
    /// Day of the first sample where it was called.
    pub first_detected_day: i64,
    /// Days from the last baseline sample to the first detection (`None` without a
    /// baseline).
    pub days_from_baseline: Option<i64>,
    /// Largest VAF among samples after therapy start (0 when none).
    pub max_later_vaf: f64,
    /// `day:sample:alt/depth` for every passed sample of the patient, by day.
    pub trajectory: String,
}

/// One line of `qc.tsv`.
#[derive(Debug, Clone, Serialize)]
pub struct QcRow {
    /// Sample id.
    pub sample: String,
    /// Patient id.
    pub patient: String,
    /// Material.
    pub material: Material,
    /// Day.
    pub day: i64,
    /// `ok` or `failed`.
    pub status: String,
    /// Why it failed (empty when ok).
    pub reason: String,
    /// Summed counters (zeros when failed).
    pub qc: RegionQc,
    /// Depth at each distinct hotspot position, in position order.
    pub hotspot_depths: Vec<u32>,
}

impl QcRow {
    /// Column names of [`QcRow::counters`] in `qc.tsv`.
    pub const COUNTERS: [&'static str; 9] = [
        "reads_seen",
        "filtered_unmapped",
        "filtered_secondary",
        "filtered_supplementary",
        "filtered_qc_fail",
        "filtered_duplicate",
        "filtered_low_mapq",
        "low_base_quality_bases",
        "discordant_mate_bases",
    ];

    /// Reads seen, reads filtered by reason, and bases not counted, in [`Self::COUNTERS`]
    /// order.
    pub fn counters(&self) -> [u64; 9] {
        let f = &self.qc.filtered;
        [
            self.qc.reads_seen,
            f.unmapped,
            f.secondary,
            f.supplementary,
            f.qc_fail,
            f.duplicate,
            f.low_mapq,
            self.qc.low_base_quality,
            self.qc.discordant_mate_bases,
        ]
    }
}

/// Everything the reports are written from.
#[derive(Debug, Clone)]
pub struct CohortReport {
    /// Build of the run.
    pub build: Build,
    /// Chromosome name.
    pub chrom: String,
    /// `(position, names)` of hotspot columns in `qc.tsv`.
    pub hotspot_columns: Vec<(u64, String)>,
    /// calls.tsv.
    pub calls: Vec<CallRow>,
    /// patients.tsv.
    pub patients: Vec<PatientRow>,
    /// Per-patient outcome.
    pub outcomes: Vec<PatientOutcome>,
    /// frequencies.tsv.
    pub frequencies: Vec<FrequencyRow>,
    /// qc.tsv.
    pub qc: Vec<QcRow>,
    /// Jobs done / failed.
    pub jobs_done: usize,
    /// Jobs that failed.
    pub jobs_failed: usize,
    /// How the cohort background test was run.
    pub background: BackgroundSummary,
    /// Sample columns of `cohort.vcf.gz` (samples that passed QC, by patient and day).
    pub vcf_samples: Vec<String>,
    /// Every allele detected in at least one sample, with its evidence in every sample.
    pub vcf_variants: Vec<VcfVariant>,
}

/// The cohort background test in numbers, for `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct BackgroundSummary {
    /// Tests in the hotspot family.
    pub tests_hotspot: usize,
    /// Tests in the other family.
    pub tests_other: usize,
    /// Per-test p-value threshold reached in the hotspot family.
    pub alpha_hotspot: f64,
    /// Per-test p-value threshold reached in the other family.
    pub alpha_other: f64,
    /// Prior overdispersion estimated from the cohort.
    pub prior_rho: f64,
    /// Samples informing the background (baselines and normals that passed QC).
    pub background_samples: usize,
}

/// Merges job outcomes into the cohort report.
pub fn merge(
    plan: &Plan,
    outcomes: &HashMap<String, JobOutcome>,
    params: &CallingParams,
    model: &Esr1Model,
) -> CohortReport {
    let build = plan.build;
    let mut jobs_done = 0;
    let mut jobs_failed = 0;
    let mut data: Vec<Result<SampleData, (SampleRef, String)>> = Vec::new();
    for f in &plan.failed {
        data.push(Err((f.sample.clone(), f.reason.clone())));
    }
    for ps in &plan.samples {
        let mut results = Vec::new();
        let mut failure = None;
        for job in &ps.jobs {
            match outcomes.get(&job.job_id) {
                Some(JobOutcome::Done(r)) => {
                    jobs_done += 1;
                    results.push((**r).clone());
                }
                Some(JobOutcome::Failed(reason)) => {
                    jobs_failed += 1;
                    failure.get_or_insert_with(|| format!("{}: {reason}", job.region));
                }
                None => {
                    jobs_failed += 1;
                    failure
                        .get_or_insert_with(|| format!("{}: no result was received", job.region));
                }
            }
        }
        match failure {
            Some(reason) => data.push(Err((ps.sample.clone(), reason))),
            None => {
                results.sort_by_key(|r| r.region.start);
                let mut qc = RegionQc::default();
                for r in &results {
                    add_qc(&mut qc, &r.qc);
                }
                data.push(Ok(SampleData {
                    sample: ps.sample.clone(),
                    results,
                    qc,
                }));
            }
        }
    }

    let hotspot_positions = model.hotspot_positions(build);
    let hotspot_columns: Vec<(u64, String)> = hotspot_positions
        .iter()
        .map(|&p| {
            let names: Vec<&str> = model
                .hotspots
                .iter()
                .filter(|h| h.pos(build) == p)
                .map(|h| h.name.as_str())
                .collect();
            (p, names.join("_"))
        })
        .collect();

    let annotate = |pos: u64, r: &str, a: &str| Annotation::of(model, build, pos, r, a);

    // Re-test every candidate against the cohort background.
    let ok: Vec<&SampleData> = data.iter().filter_map(|d| d.as_ref().ok()).collect();
    let cohort_calls = recall(&ok, model, build, params);

    let mut calls = Vec::new();
    for rc in &cohort_calls.calls {
        let s = ok[rc.sample];
        let c = &rc.call;
        let ann = annotate(c.pos, &c.ref_allele, &c.alt_allele);
        calls.push(CallRow {
            sample: s.sample.sample.clone(),
            patient: s.sample.patient.clone(),
            day: s.sample.day,
            material: s.sample.material,
            chrom: plan.chrom.clone(),
            pos: c.pos,
            ref_allele: c.ref_allele.clone(),
            alt_allele: c.alt_allele.clone(),
            protein: ann.protein,
            hotspot: ann.hotspot,
            hgvs_c: ann.hgvs_c,
            hgvs_p: ann.hgvs_p,
            alt_reads: c.alt_reads(),
            alt_forward: c.alt_forward,
            alt_reverse: c.alt_reverse,
            depth: c.depth,
            vaf: c.vaf,
            error_p: c.error_p,
            background_mean: rc.background.dist.mean,
            background_p: rc.background_p,
            q_value: rc.q_value,
            filter: rc.filter_label(),
        });
    }
    let mut qc_rows = Vec::new();
    for d in &data {
        match d {
            Ok(s) => qc_rows.push(QcRow {
                sample: s.sample.sample.clone(),
                patient: s.sample.patient.clone(),
                material: s.sample.material,
                day: s.sample.day,
                status: "ok".into(),
                reason: String::new(),
                qc: s.qc,
                hotspot_depths: hotspot_positions
                    .iter()
                    .map(|&p| s.depth_at(p).unwrap_or(0))
                    .collect(),
            }),
            Err((sample, reason)) => qc_rows.push(QcRow {
                sample: sample.sample.clone(),
                patient: sample.patient.clone(),
                material: sample.material,
                day: sample.day,
                status: "failed".into(),
                reason: reason.clone(),
                qc: RegionQc::default(),
                hotspot_depths: vec![0; hotspot_positions.len()],
            }),
        }
    }
    calls.sort_by(|a, b| {
        (&a.patient, a.day, &a.sample, a.pos, &a.alt_allele).cmp(&(
            &b.patient,
            b.day,
            &b.sample,
            b.pos,
            &b.alt_allele,
        ))
    });
    qc_rows.sort_by(|a, b| (&a.patient, a.day, &a.sample).cmp(&(&b.patient, b.day, &b.sample)));

    // Patients, in id order; therapy from the first sample line.
    let mut patients: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for d in &data {
        let sample = match d {
            Ok(s) => &s.sample,
            Err((s, _)) => s,
        };
        patients
            .entry(sample.patient.clone())
            .or_insert_with(|| (sample.therapy.clone(), Vec::new()));
    }
    for (i, s) in ok.iter().enumerate() {
        if let Some(e) = patients.get_mut(&s.sample.patient) {
            e.1.push(i);
        }
    }
    let mut detected_by_sample: Vec<Vec<&RecalledCall>> = vec![Vec::new(); ok.len()];
    for c in cohort_calls.calls.iter().filter(|c| c.detected()) {
        detected_by_sample[c.sample].push(c);
    }
    let mut patient_rows = Vec::new();
    let mut outcomes_out = Vec::new();
    for (patient, (therapy, mut members)) in patients {
        members.sort_by_key(|&i| (ok[i].sample.day, ok[i].sample.sample.clone()));
        let samples: Vec<&SampleData> = members.iter().map(|&i| ok[i]).collect();
        let detected: Vec<Vec<&RecalledCall>> = members
            .iter()
            .map(|&i| detected_by_sample[i].clone())
            .collect();
        let rows = classify_patient(&samples, &detected, &cohort_calls, params);
        let has_baseline = samples
            .iter()
            .any(|s| s.sample.material != Material::Normal && s.sample.day <= 0);
        let has_later = samples
            .iter()
            .any(|s| s.sample.material != Material::Normal && s.sample.day > 0);
        let mut variants = Vec::new();
        for r in rows {
            let ann = annotate(r.pos, &r.ref_allele, &r.alt_allele);
            let name = ann.name(&plan.chrom, r.pos, &r.ref_allele, &r.alt_allele);
            variants.push((Some(name), r.status));
            patient_rows.push(PatientRow {
                patient: patient.clone(),
                therapy: therapy.clone(),
                chrom: plan.chrom.clone(),
                pos: r.pos,
                ref_allele: r.ref_allele,
                alt_allele: r.alt_allele,
                protein: ann.protein,
                hotspot: ann.hotspot,
                hgvs_c: ann.hgvs_c,
                hgvs_p: ann.hgvs_p,
                status: r.status,
                baseline_depth: r.baseline_depth,
                baseline_power: r.baseline_power,
                first_detected_day: r.first_detected_day,
                days_from_baseline: r.days_from_baseline,
                max_later_vaf: r.max_later_vaf,
                trajectory: r.trajectory,
            });
        }
        outcomes_out.push(PatientOutcome {
            patient,
            therapy,
            has_baseline_and_later: has_baseline && has_later,
            variants,
        });
    }
    let hotspot_names: Vec<String> = model.hotspots.iter().map(|h| h.name.clone()).collect();
    let frequencies = cohort_frequencies(&outcomes_out, &hotspot_names);
    let (vcf_samples, vcf_variants) = vcf_matrix(&ok, &cohort_calls, &patient_rows, &annotate);
    CohortReport {
        build,
        chrom: plan.chrom.clone(),
        hotspot_columns,
        calls,
        patients: patient_rows,
        outcomes: outcomes_out,
        frequencies,
        qc: qc_rows,
        jobs_done,
        jobs_failed,
        background: BackgroundSummary {
            tests_hotspot: cohort_calls.tests_hotspot,
            tests_other: cohort_calls.tests_other,
            alpha_hotspot: cohort_calls.alpha_hotspot,
            alpha_other: cohort_calls.alpha_other,
            prior_rho: cohort_calls.prior_rho,
            background_samples: ok.iter().filter(|s| is_background(s)).count(),
        },
        vcf_samples,
        vcf_variants,
    }
}

/// The cohort VCF's sample columns and rows: every allele detected in some sample, with
/// evidence (and the cohort test, where the sample had a candidate) in every sample.
fn vcf_matrix(
    ok: &[&SampleData],
    cohort: &CohortCalls,
    patient_rows: &[PatientRow],
    annotate: &dyn Fn(u64, &str, &str) -> Annotation,
) -> (Vec<String>, Vec<VcfVariant>) {
    let mut order: Vec<usize> = (0..ok.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&ok[a].sample, &ok[b].sample);
        (&x.patient, x.day, &x.sample).cmp(&(&y.patient, y.day, &y.sample))
    });
    let samples = order.iter().map(|&i| ok[i].sample.sample.clone()).collect();
    let mut by_key: BTreeMap<esr1_science::recall::AlleleKey, HashMap<usize, &RecalledCall>> =
        BTreeMap::new();
    for c in &cohort.calls {
        by_key.entry(c.key()).or_default().insert(c.sample, c);
    }
    let mut variants = Vec::new();
    for (key, per_sample) in by_key {
        if !per_sample.values().any(|c| c.detected()) {
            continue;
        }
        let (pos, r, a) = &key;
        let genotypes = order
            .iter()
            .map(|&i| {
                let (alt, depth) = ok[i].allele_evidence(*pos, r, a);
                let c = per_sample.get(&i);
                VcfGenotype {
                    called: c.is_some_and(|c| c.detected()),
                    ref_depth: depth.saturating_sub(alt),
                    alt_depth: alt,
                    depth,
                    background_p: c.map(|c| c.background_p),
                    q_value: c.map(|c| c.q_value),
                    filters: c.map(|c| c.filters.clone()).unwrap_or_default(),
                }
            })
            .collect::<Vec<_>>();
        let called: Vec<usize> = per_sample
            .iter()
            .filter(|(_, c)| c.detected())
            .map(|(i, _)| *i)
            .collect();
        let patients: std::collections::BTreeSet<&str> = called
            .iter()
            .map(|&i| ok[i].sample.patient.as_str())
            .collect();
        let rows = patient_rows
            .iter()
            .filter(|p| p.pos == *pos && &p.ref_allele == r && &p.alt_allele == a);
        let acquired = rows.filter(|p| p.status == VariantStatus::Acquired).count();
        let ann = annotate(*pos, r, a);
        let some = |s: String| (!s.is_empty()).then_some(s);
        variants.push(VcfVariant {
            pos: *pos,
            ref_allele: r.clone(),
            alt_allele: a.clone(),
            filters: Vec::new(),
            gene: "ESR1".into(),
            hgvs_c: some(ann.hgvs_c),
            hgvs_p: some(ann.hgvs_p),
            protein: some(ann.protein),
            hotspot: some(ann.hotspot),
            samples_called: called.len() as u32,
            patients_acquired: acquired as u32,
            patients_called: patients.len() as u32,
            genotypes,
        });
    }
    (samples, variants)
}

fn add_qc(total: &mut RegionQc, q: &RegionQc) {
    total.reads_seen += q.reads_seen;
    let mut f: FilterCounts = total.filtered;
    f.add(&q.filtered);
    total.filtered = f;
    total.low_base_quality += q.low_base_quality;
    total.discordant_mate_bases += q.discordant_mate_bases;
    total.bytes_fetched += q.bytes_fetched;
    total.requests += q.requests;
    total.chunk_span_bytes += q.chunk_span_bytes;
}
