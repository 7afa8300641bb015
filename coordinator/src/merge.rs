//! The cohort merge: job results → per-sample data → cohort re-calling → the typed report
//! model ([`CohortReport`]). It only orchestrates: the science (re-calling, classification,
//! frequencies) lives in `esr1_science`, the row types and writers in [`crate::report`].
//! Every planned job is looked up exactly once by its id, so a result delivered twice is still
//! counted once, and a job without a result fails its sample. A sample whose jobs all ran but
//! that is too shallow at the hotspots ([`HotspotCoverage::is_low`]) is `low_coverage`: like a
//! failed sample, its data are left out of the background, the calls, the patient statuses
//! and evaluability. So is a sample whose germline genotype disagrees with the rest of its
//! patient's samples (`identity_mismatch`, [`identity_mismatches`]).

use crate::plan::{Plan, PlannedSample};
use crate::report::model::{BackgroundSummary, CallRow, PatientRow, QcRow, SampleStatus};
use crate::report::vcf_matrix::vcf_matrix;
use esr1_proto::{CallingParams, FileStamp, Material, RegionQc, SampleRef};
use esr1_science::classify::classify_patient;
use esr1_science::cohort::{cohort_frequencies, OutcomeVariant, PatientOutcome};
use esr1_science::consequence::CountRule;
use esr1_science::coverage::HotspotCoverage;
use esr1_science::deamination::TransitionRates;
use esr1_science::esr1::{Build, Esr1Model};
use esr1_science::identity::{identity_mismatches, Concordance};
use esr1_science::naming::Annotation;
use esr1_science::recall::{is_background, recall, CohortCalls, RecalledCall};
use esr1_science::sample::{JobData, SampleData};
use std::collections::{BTreeMap, HashMap};

/// The merge's output: everything the reports are written from.
pub use crate::report::model::CohortReport;
use esr1_worker::store::JobOutcome;

/// A job's outcome as a run keeps it until the merge: its result reduced to what the merge
/// reads ([`JobData`]: the full counts only at its calls' sites, about a fifth of the
/// result), or why the job failed. Reduced as each outcome arrives, so a cohort's results
/// are never all held in full.
#[derive(Debug)]
pub enum Outcome {
    /// The job's result, reduced.
    Done(Box<JobData>),
    /// The job failed permanently.
    Failed(String),
}

impl From<JobOutcome> for Outcome {
    fn from(o: JobOutcome) -> Self {
        match o {
            JobOutcome::Done(r) => Self::Done(Box::new(JobData::from(*r))),
            JobOutcome::Failed(reason) => Self::Failed(reason),
        }
    }
}

/// Every job's outcome, by job id.
pub type Outcomes = HashMap<String, Outcome>;

/// A sample's merged results, or the sample and why it failed.
enum SampleOutcome {
    /// Every job of the sample reported a result.
    Passed(SampleData),
    /// The planner refused the sample, or one of its jobs failed or never reported.
    Failed(SampleRef, String),
    /// Every job reported, but the sample is too shallow at the hotspots to be used.
    LowCoverage(SampleData, HotspotCoverage),
    /// Its germline genotype is not its patient's (a swap or a mislabel): not used.
    IdentityMismatch(SampleData, Concordance),
}

impl SampleOutcome {
    fn passed(&self) -> Option<&SampleData> {
        match self {
            Self::Passed(s) => Some(s),
            Self::Failed(..) | Self::LowCoverage(..) | Self::IdentityMismatch(..) => None,
        }
    }

    fn sample(&self) -> &SampleRef {
        match self {
            Self::Passed(s) | Self::LowCoverage(s, _) | Self::IdentityMismatch(s, _) => &s.sample,
            Self::Failed(s, _) => s,
        }
    }
}

/// Annotates `(pos, ref, alt)` against the run's ESR1 model and build.
type Annotate<'a> = dyn Fn(u64, &str, &str) -> Annotation + 'a;

/// Merges job outcomes into the cohort report; `count` decides which acquired variants the
/// headline (`cohort`, `arm:*`, comparisons, `polyclonal`) counts. The outcomes are consumed:
/// each result moves into its sample's data, so the cohort's results are held once, not twice.
pub fn merge(
    plan: &Plan,
    outcomes: Outcomes,
    params: &CallingParams,
    model: &Esr1Model,
    count: CountRule,
) -> CohortReport {
    let build = plan.build;
    let hotspot_positions = model.hotspot_positions(build);
    let (data, jobs_done, jobs_failed) = collect_samples(plan, outcomes, &hotspot_positions);
    let data = check_identity(data, &hotspot_positions);
    let annotate = |pos: u64, r: &str, a: &str| Annotation::of(model, build, pos, r, a);

    // Re-test every candidate against the cohort background.
    let ok: Vec<&SampleData> = data.iter().filter_map(SampleOutcome::passed).collect();
    let cohort_calls = recall(&ok, model, build, params);

    let calls = call_rows(&ok, &cohort_calls, &plan.chrom, &annotate);
    let qc = qc_rows(&data, &hotspot_positions);
    let ctx = PatientContext {
        params,
        chrom: &plan.chrom,
        annotate: &annotate,
        count,
    };
    let (patients, patient_outcomes) = classify_patients(&data, &ok, &cohort_calls, &ctx);
    let hotspot_names: Vec<String> = model.hotspots.iter().map(|h| h.name.clone()).collect();
    let frequencies = cohort_frequencies(&patient_outcomes, &hotspot_names, count);
    let (vcf_samples, vcf_variants) = vcf_matrix(&ok, &cohort_calls, &patients, &annotate);
    CohortReport {
        build,
        chrom: plan.chrom.clone(),
        count,
        params: params.clone(),
        inputs: input_stamps(plan),
        times: Default::default(),
        hotspot_columns: hotspot_columns(model, build, &hotspot_positions),
        calls,
        patients,
        outcomes: patient_outcomes,
        frequencies,
        qc,
        jobs_done,
        jobs_failed,
        background: background_summary(&cohort_calls, &ok),
        vcf_samples,
        vcf_variants,
    }
}

/// Every file the plan's jobs read, once each, in plan order (the reference first).
fn input_stamps(plan: &Plan) -> Vec<FileStamp> {
    let mut seen = std::collections::HashSet::new();
    plan.jobs()
        .flat_map(|j| {
            j.inputs
                .reference
                .iter()
                .chain(j.inputs.alignments.iter())
                .chain(j.inputs.index.iter())
        })
        .filter(|f| seen.insert(f.uri.clone()))
        .cloned()
        .collect()
}

/// Every sample of the plan with its results (sorted by region), or why it failed; plus the
/// numbers of jobs done and failed. Samples the planner already refused come first.
fn collect_samples(
    plan: &Plan,
    mut outcomes: Outcomes,
    hotspot_positions: &[u64],
) -> (Vec<SampleOutcome>, usize, usize) {
    let mut jobs_done = 0;
    let mut jobs_failed = 0;
    let mut data: Vec<SampleOutcome> = plan
        .failed
        .iter()
        .map(|f| SampleOutcome::Failed(f.sample.clone(), f.reason.clone()))
        .collect();
    for ps in &plan.samples {
        let (sample, done, failed) = collect_sample(ps, &mut outcomes, hotspot_positions);
        jobs_done += done;
        jobs_failed += failed;
        data.push(sample);
    }
    (data, jobs_done, jobs_failed)
}

/// One sample's results, taken out of `outcomes`; the first failed or missing job fails the
/// sample, and a sample too shallow at `hotspot_positions` is low coverage.
fn collect_sample(
    ps: &PlannedSample,
    outcomes: &mut Outcomes,
    hotspot_positions: &[u64],
) -> (SampleOutcome, usize, usize) {
    let (mut done, mut failed) = (0, 0);
    let mut results = Vec::new();
    let mut failure = None;
    for job in &ps.jobs {
        match outcomes.remove(&job.job_id) {
            Some(Outcome::Done(r)) => {
                done += 1;
                results.push(*r);
            }
            Some(Outcome::Failed(reason)) => {
                failed += 1;
                failure.get_or_insert_with(|| format!("{}: {reason}", job.region));
            }
            None => {
                failed += 1;
                failure.get_or_insert_with(|| format!("{}: no result was received", job.region));
            }
        }
    }
    let outcome = match failure {
        Some(reason) => SampleOutcome::Failed(ps.sample.clone(), reason),
        None => {
            results.sort_by_key(|r| r.region.start);
            let data = SampleData::new(ps.sample.clone(), results);
            let coverage = HotspotCoverage::of_sample(&data, hotspot_positions);
            if coverage.is_low() {
                SampleOutcome::LowCoverage(data, coverage)
            } else {
                SampleOutcome::Passed(data)
            }
        }
    };
    (outcome, done, failed)
}

/// Marks every passed sample whose germline genotype is not its patient's as an identity
/// mismatch ([`identity_mismatches`]; hotspot positions are never genotyped).
fn check_identity(data: Vec<SampleOutcome>, hotspot_positions: &[u64]) -> Vec<SampleOutcome> {
    let mut by_patient: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in data.iter().enumerate() {
        if let Some(s) = d.passed() {
            by_patient.entry(&s.sample.patient).or_default().push(i);
        }
    }
    let mut mismatched: HashMap<usize, Concordance> = HashMap::new();
    for members in by_patient.values() {
        let samples: Vec<&SampleData> = members.iter().filter_map(|&i| data[i].passed()).collect();
        for (&i, verdict) in members
            .iter()
            .zip(identity_mismatches(&samples, hotspot_positions))
        {
            if let Some(concordance) = verdict {
                mismatched.insert(i, concordance);
            }
        }
    }
    data.into_iter()
        .enumerate()
        .map(|(i, d)| match (d, mismatched.remove(&i)) {
            (SampleOutcome::Passed(s), Some(c)) => SampleOutcome::IdentityMismatch(s, c),
            (d, _) => d,
        })
        .collect()
}

/// `(position, names joined by _)` of every distinct hotspot position: the depth columns of
/// `qc.tsv`.
fn hotspot_columns(model: &Esr1Model, build: Build, positions: &[u64]) -> Vec<(u64, String)> {
    positions
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
        .collect()
}

/// Every re-called candidate as a `calls.tsv` row, by patient, day, sample, position, allele.
fn call_rows(
    ok: &[&SampleData],
    cohort: &CohortCalls,
    chrom: &str,
    annotate: &Annotate,
) -> Vec<CallRow> {
    let mut calls: Vec<CallRow> = cohort
        .calls
        .iter()
        .map(|rc| {
            let s = &ok[rc.sample].sample;
            let c = &rc.call;
            let ann = annotate(c.pos, &c.ref_allele, &c.alt_allele);
            CallRow {
                sample: s.sample.clone(),
                patient: s.patient.clone(),
                day: s.day,
                material: s.material,
                chrom: chrom.to_owned(),
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
            }
        })
        .collect();
    calls.sort_by(|a, b| {
        (&a.patient, a.day, &a.sample, a.pos, &a.alt_allele).cmp(&(
            &b.patient,
            b.day,
            &b.sample,
            b.pos,
            &b.alt_allele,
        ))
    });
    calls
}

/// One `qc.tsv` row per sample (failed ones with zeros and their reason, low-coverage ones
/// with their counters and the depth found), by patient, day, sample.
fn qc_rows(data: &[SampleOutcome], hotspot_positions: &[u64]) -> Vec<QcRow> {
    let ran = |s: &SampleData, status, reason| QcRow {
        sample: s.sample.sample.clone(),
        patient: s.sample.patient.clone(),
        material: s.sample.material,
        day: s.sample.day,
        status,
        reason,
        qc: s.qc,
        jobs: s.results.len(),
        hotspot_depths: hotspot_positions
            .iter()
            .map(|&p| s.depth_at(p).unwrap_or(0))
            .collect(),
        transitions: s.transitions().rates(),
    };
    let mut rows: Vec<QcRow> = data
        .iter()
        .map(|d| match d {
            SampleOutcome::Passed(s) => ran(s, SampleStatus::Ok, String::new()),
            SampleOutcome::LowCoverage(s, coverage) => {
                ran(s, SampleStatus::LowCoverage, coverage.describe())
            }
            SampleOutcome::IdentityMismatch(s, concordance) => {
                ran(s, SampleStatus::IdentityMismatch, concordance.describe())
            }
            SampleOutcome::Failed(sample, reason) => QcRow {
                sample: sample.sample.clone(),
                patient: sample.patient.clone(),
                material: sample.material,
                day: sample.day,
                status: SampleStatus::Failed,
                reason: reason.clone(),
                qc: RegionQc::default(),
                jobs: 0,
                hotspot_depths: vec![0; hotspot_positions.len()],
                transitions: TransitionRates::default(),
            },
        })
        .collect();
    rows.sort_by(|a, b| (&a.patient, a.day, &a.sample).cmp(&(&b.patient, b.day, &b.sample)));
    rows
}

/// Patients in id order with their therapy (from the first sample line, failed or not) and
/// the indices into `ok` of their samples that passed.
fn patient_members(
    data: &[SampleOutcome],
    ok: &[&SampleData],
) -> BTreeMap<String, (String, Vec<usize>)> {
    let mut patients: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for sample in data.iter().map(SampleOutcome::sample) {
        patients
            .entry(sample.patient.clone())
            .or_insert_with(|| (sample.therapy.clone(), Vec::new()));
    }
    for (i, s) in ok.iter().enumerate() {
        if let Some(e) = patients.get_mut(&s.sample.patient) {
            e.1.push(i);
        }
    }
    patients
}

/// What classifying patients needs beside the samples and calls.
struct PatientContext<'a> {
    params: &'a CallingParams,
    chrom: &'a str,
    annotate: &'a Annotate<'a>,
    count: CountRule,
}

/// Classifies every patient's variants: the `patients.tsv` rows and each patient's outcome
/// for the cohort frequencies.
fn classify_patients(
    data: &[SampleOutcome],
    ok: &[&SampleData],
    cohort: &CohortCalls,
    ctx: &PatientContext,
) -> (Vec<PatientRow>, Vec<PatientOutcome>) {
    let chrom = ctx.chrom;
    let mut detected_by_sample: Vec<Vec<&RecalledCall>> = vec![Vec::new(); ok.len()];
    for c in cohort.calls.iter().filter(|c| c.detected()) {
        detected_by_sample[c.sample].push(c);
    }
    let mut rows = Vec::new();
    let mut outcomes = Vec::new();
    for (patient, (therapy, mut members)) in patient_members(data, ok) {
        members.sort_by_key(|&i| (ok[i].sample.day, ok[i].sample.sample.clone()));
        let samples: Vec<&SampleData> = members.iter().map(|&i| ok[i]).collect();
        let detected: Vec<Vec<&RecalledCall>> = members
            .iter()
            .map(|&i| detected_by_sample[i].clone())
            .collect();
        let mut variants = Vec::new();
        for r in classify_patient(&samples, &detected, cohort, ctx.params) {
            let ann = (ctx.annotate)(r.pos, &r.ref_allele, &r.alt_allele);
            let name = ann.name(chrom, r.pos, &r.ref_allele, &r.alt_allele);
            // A formalin-like finding is no evidence on acquisition: not in the headline.
            if !r.ffpe_like {
                variants.push(OutcomeVariant::new(Some(name), r.status, ann.effect));
            }
            rows.push(PatientRow {
                patient: patient.clone(),
                therapy: therapy.clone(),
                chrom: chrom.to_owned(),
                pos: r.pos,
                ref_allele: r.ref_allele,
                alt_allele: r.alt_allele,
                protein: ann.protein,
                hotspot: ann.hotspot,
                hgvs_c: ann.hgvs_c,
                hgvs_p: ann.hgvs_p,
                consequence: ann.effect.consequence,
                counted: ctx.count.counts(&ann.effect) && !r.ffpe_like,
                status: r.status,
                baseline_depth: r.baseline_depth,
                baseline_power: r.baseline_power,
                first_detected_day: r.first_detected_day,
                days_from_baseline: r.days_from_baseline,
                max_later_vaf: r.max_later_vaf,
                trajectory: r.trajectory,
            });
        }
        outcomes.push(PatientOutcome {
            patient,
            therapy,
            has_baseline_and_later: has_baseline_and_later(&samples),
            variants,
        });
    }
    (rows, outcomes)
}

/// A tumour or cfDNA sample at or before therapy start and one after it both passed QC (low
/// coverage samples are not among `samples`: they never pass).
fn has_baseline_and_later(samples: &[&SampleData]) -> bool {
    let somatic = || {
        samples
            .iter()
            .filter(|s| s.sample.material != Material::Normal)
    };
    somatic().any(|s| s.sample.day <= 0) && somatic().any(|s| s.sample.day > 0)
}

/// How the cohort background test was run, for `summary.json` and the method note.
fn background_summary(cohort: &CohortCalls, ok: &[&SampleData]) -> BackgroundSummary {
    BackgroundSummary {
        tests_hotspot: cohort.tests_hotspot,
        tests_other: cohort.tests_other,
        alpha_hotspot: cohort.alpha_hotspot,
        alpha_other: cohort.alpha_other,
        prior_rho: cohort.prior_rho,
        background_samples: ok.iter().filter(|s| is_background(s)).count(),
    }
}
