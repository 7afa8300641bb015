//! Inputs of the pileup benchmark (`scripts/bench-pileup.sh`): the reference and two BAMs at
//! the extremes a worker meets — ~30× over the whole ESR1 gene (a tumour exome or genome
//! slice) and ~20,000× cfDNA over exons 7–8 (the ligand-binding-domain hotspots, over a
//! million records) — each with a one-sample samplesheet.

use crate::error::{io_error, SimulateError};
use crate::reads::{write_sample_bam, BamStats, SampleReads};
use crate::reference::{build_window, write_reference};
use crate::rng::Rng;
use crate::sites::exon_span;
use crate::tables::{samplesheet_line, SAMPLESHEET_HEADER};
use esr1_proto::Material;
use esr1_science::esr1::{Build, Esr1Model};
use std::path::{Path, PathBuf};

/// One benchmark BAM.
#[derive(Debug, Clone)]
pub struct BenchBam {
    /// `whole_gene` or `deep_exons_7_8`.
    pub name: &'static str,
    /// The BAM (with `.bai` beside it).
    pub bam: PathBuf,
    /// A samplesheet with this one sample.
    pub samplesheet: PathBuf,
    /// The simulated span, `chr6:start-end`.
    pub region: String,
    /// What was written.
    pub stats: BamStats,
}

/// Writes `out/reference/…` and the two BAMs; returns the reference and the BAMs.
pub fn write_pileup_bench(
    out: &Path,
    seed: u64,
    deep_depth: u32,
) -> Result<(PathBuf, Vec<BenchBam>), SimulateError> {
    let model = Esr1Model::builtin();
    let window = build_window(&model, &mut Rng::derive(seed, "reference"))?;
    let ref_dir = out.join("reference");
    std::fs::create_dir_all(&ref_dir).map_err(io_error(&ref_dir))?;
    let reference = write_reference(&ref_dir, &window)?.fasta;
    let gene = Build::Grch38.gene_span();
    let (e7, e8) = (exon_span(&model, 7)?, exon_span(&model, 8)?);
    let specs = [
        ("whole_gene", Material::Tumor, 30, vec![gene]),
        ("deep_exons_7_8", Material::Cfdna, deep_depth, vec![e7, e8]),
    ];
    let mut bams = Vec::new();
    for (name, material, depth, targets) in specs {
        let bam = out.join(format!("{name}.bam"));
        let bai = out.join(format!("{name}.bam.bai"));
        let spec = SampleReads {
            sample: name,
            material,
            depth,
            alleles: Vec::new(),
            targets: &targets,
            artefacts: Vec::new(),
            deamination: 0.0,
            fast_compression: false,
        };
        let stats = write_sample_bam(&spec, &window, &mut Rng::derive(seed, name), &bam, &bai)?;
        let samplesheet = out.join(format!("{name}.csv"));
        let sheet = format!(
            "{SAMPLESHEET_HEADER}{}",
            samplesheet_line("P1", "AI", (name, 0, material), &bam, &bai)
        );
        std::fs::write(&samplesheet, sheet).map_err(io_error(&samplesheet))?;
        let (start, end) = (targets[0].0, targets[targets.len() - 1].1);
        bams.push(BenchBam {
            name,
            bam,
            samplesheet,
            region: format!("chr6:{start}-{end}"),
            stats,
        });
    }
    Ok((reference, bams))
}
