//! The simulated reference: chr6 (GRCh38 length) that is N except for a seeded ESR1 window
//! carrying the real exon sequences, written as an indexed BGZF FASTA (`.fai` + `.gzi`).

use crate::error::{io_error, SimulateError};
use crate::rng::Rng;
use esr1_science::esr1::{Build, Esr1Model, CHR6_LEN_GRCH37, CHR6_LEN_GRCH38};
use noodles::bgzf;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Contig name of the simulated reference.
pub const CONTIG: &str = "chr6";
/// Contig length (GRCh38 chromosome 6).
pub const CONTIG_LEN: u64 = CHR6_LEN_GRCH38;
/// First position (1-based) of the non-N ESR1 window.
pub const WINDOW_START: u64 = 151_650_001;
/// Last position (1-based, inclusive) of the non-N ESR1 window.
pub const WINDOW_END: u64 = 152_140_000;
/// Bases per FASTA line.
pub const LINE_BASES: u64 = 60;
/// Bytes per FASTA line (bases plus the newline).
const LINE_WIDTH: u64 = LINE_BASES + 1;
/// Uncompressed bytes per BGZF block: a whole number of lines, so every all-N block has the
/// same content and is compressed once.
const BLOCK_SIZE: u64 = LINE_WIDTH * 1070;
/// Repeats keep this far from any placed exon (and so from every capture target).
const REPEAT_CLEARANCE: u64 = 2_500;

/// GRCh37 position − GRCh38 position across ESR1: the same at every exon whose coordinates
/// are known in both builds (exons 5, 7 and 8 verified; `shared/esr1/exons.tsv`).
pub const GRCH37_OFFSET: u64 = 321_135;

/// The chromosome a simulated cohort is written on: its name, its length and how far its
/// positions lie from GRCh38's. Cohorts are designed in GRCh38 and moved by `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assembly {
    /// The build.
    pub build: Build,
    /// Contig name (`chr6` or Ensembl-style `6`).
    pub contig: &'static str,
    /// Contig length.
    pub len: u64,
    /// Added to every GRCh38 position.
    pub offset: u64,
}

impl Assembly {
    /// GRCh38 as UCSC names it (`chr6`): the simulator's default.
    pub const GRCH38: Self = Self {
        build: Build::Grch38,
        contig: CONTIG,
        len: CONTIG_LEN,
        offset: 0,
    };
    /// GRCh37 as Ensembl and the 1000 Genomes reference name it (`6`).
    pub const GRCH37: Self = Self {
        build: Build::Grch37,
        contig: "6",
        len: CHR6_LEN_GRCH37,
        offset: GRCH37_OFFSET,
    };

    /// A GRCh38 position on this assembly.
    pub fn lift(&self, grch38: u64) -> u64 {
        grch38 + self.offset
    }
}

/// The non-N part of the simulated chromosome.
#[derive(Debug, Clone)]
pub struct RefWindow {
    start: u64,
    seq: Vec<u8>,
}

impl RefWindow {
    /// Base at a 1-based position (`N` outside the window).
    pub fn base(&self, pos: u64) -> u8 {
        if pos < self.start {
            return b'N';
        }
        self.seq
            .get((pos - self.start) as usize)
            .copied()
            .unwrap_or(b'N')
    }

    /// First position of the window.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Last position of the window.
    pub fn end(&self) -> u64 {
        self.start + self.seq.len() as u64 - 1
    }

    /// The same bases placed on `assembly`.
    pub fn lifted(&self, assembly: &Assembly) -> Self {
        Self {
            start: assembly.lift(self.start),
            seq: self.seq.clone(),
        }
    }
}

/// Placed exon spans of the model in GRCh38, as (genomic start, genomic end, mRNA start).
fn placed_spans(model: &Esr1Model) -> Vec<(u64, u64, u64)> {
    model
        .placed_exons(Build::Grch38)
        .filter_map(|(e, g_start, m_start)| {
            let (_, g_end) = e.span(Build::Grch38)?;
            Some((g_start, g_end, m_start))
        })
        .collect()
}

/// Builds the ESR1 window: random sequence (GC ≈ 40 %), (CA)n microsatellites, poly-A runs and
/// one duplicated 300 bp intronic segment, then the real exon sequences of the placed exons.
pub fn build_window(model: &Esr1Model, rng: &mut Rng) -> Result<RefWindow, SimulateError> {
    let len = (WINDOW_END - WINDOW_START + 1) as usize;
    let mut seq = Vec::with_capacity(len);
    for _ in 0..len {
        let u = rng.below(10);
        seq.push(match u {
            0..=2 => b'A',
            3..=5 => b'T',
            6 | 7 => b'G',
            _ => b'C',
        });
    }
    let exons = placed_spans(model);
    if exons.is_empty() {
        return Err(SimulateError::Model(
            "the ESR1 model has no exon placed on GRCh38".into(),
        ));
    }
    let clear = |start: u64, len: u64| {
        start >= WINDOW_START + 1_000
            && start + len + 1_000 <= WINDOW_END
            && exons.iter().all(|&(s, e, _)| {
                start + len + REPEAT_CLEARANCE <= s || start >= e + REPEAT_CLEARANCE
            })
    };
    // Draws an intronic start for a stretch of `len` bases clear of every exon.
    let pick = |rng: &mut Rng, len: u64| loop {
        let start = rng.range_u64(WINDOW_START, WINDOW_END - len);
        if clear(start, len) {
            break start;
        }
    };
    let idx = |pos: u64| (pos - WINDOW_START) as usize;
    // (CA)n microsatellites.
    for _ in 0..12 {
        let n = rng.range_u64(12, 25);
        let start = pick(rng, 2 * n);
        for k in 0..n {
            seq[idx(start + 2 * k)] = b'C';
            seq[idx(start + 2 * k + 1)] = b'A';
        }
    }
    // Poly-A runs.
    for _ in 0..4 {
        let n = rng.range_u64(15, 30);
        let start = pick(rng, n);
        for k in 0..n {
            seq[idx(start + k)] = b'A';
        }
    }
    // One ~300 bp segment duplicated elsewhere in an intron.
    let dup_len = 300;
    let src = pick(rng, dup_len);
    let dst = loop {
        let d = pick(rng, dup_len);
        if d.abs_diff(src) > 10_000 {
            break d;
        }
    };
    let segment: Vec<u8> = seq[idx(src)..idx(src + dup_len)].to_vec();
    seq[idx(dst)..idx(dst + dup_len)].copy_from_slice(&segment);
    // The real exons, from the mRNA.
    for &(g_start, g_end, m_start) in &exons {
        let n = (g_end - g_start + 1) as usize;
        let m0 = (m_start - 1) as usize;
        let bases = model.mrna.get(m0..m0 + n).ok_or_else(|| {
            SimulateError::Model(format!(
                "exon at {g_start}-{g_end} runs past the end of the mRNA"
            ))
        })?;
        if g_start < WINDOW_START || g_end > WINDOW_END {
            return Err(SimulateError::Model(format!(
                "exon at {g_start}-{g_end} lies outside the simulated window"
            )));
        }
        seq[idx(g_start)..idx(g_start) + n].copy_from_slice(bases);
    }
    Ok(RefWindow {
        start: WINDOW_START,
        seq,
    })
}

/// Layout of the uncompressed FASTA text.
struct Layout {
    len: u64,
    header: Vec<u8>,
    full_lines: u64,
    last_line: u64,
    total: u64,
}

impl Layout {
    fn new(assembly: &Assembly) -> Self {
        let len = assembly.len;
        let header = format!(">{}\n", assembly.contig).into_bytes();
        let full_lines = len / LINE_BASES;
        let last_line = len % LINE_BASES;
        let total = header.len() as u64
            + full_lines * LINE_WIDTH
            + if last_line > 0 { last_line + 1 } else { 0 };
        Self {
            len,
            header,
            full_lines,
            last_line,
            total,
        }
    }

    /// The uncompressed byte at `offset`.
    fn byte_at(&self, window: &RefWindow, offset: u64) -> u8 {
        let h = self.header.len() as u64;
        if offset < h {
            return self.header[offset as usize];
        }
        let x = offset - h;
        let line = x / LINE_WIDTH;
        let col = x % LINE_WIDTH;
        let line_len = if line < self.full_lines {
            LINE_BASES
        } else {
            self.last_line
        };
        if col == line_len {
            b'\n'
        } else {
            window.base(line * LINE_BASES + col + 1)
        }
    }

    /// Whether block `k` is a full block of whole N lines (identical for every such block).
    fn is_plain_n_block(&self, window: &RefWindow, k: u64) -> bool {
        let h = self.header.len() as u64;
        let lo = k * BLOCK_SIZE;
        let hi = lo + BLOCK_SIZE; // exclusive
        if k == 0 || hi > self.total {
            return false;
        }
        let first_line = (lo - h) / LINE_WIDTH;
        let last_line = (hi - 1 - h) / LINE_WIDTH;
        if last_line >= self.full_lines {
            return false;
        }
        let first_pos = first_line * LINE_BASES + 1;
        let last_pos = (last_line + 1) * LINE_BASES;
        last_pos < window.start() || first_pos > window.end()
    }
}

/// Compresses `data` (at most one block's worth) into exactly one BGZF block.
fn compress_block(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut w = bgzf::io::Writer::new(Vec::new());
    w.write_all(data)?;
    w.flush()?;
    Ok(w.into_inner())
}

/// The BGZF end-of-file marker block.
fn eof_block() -> std::io::Result<Vec<u8>> {
    bgzf::io::Writer::new(Vec::new()).finish()
}

/// Paths of the written reference.
#[derive(Debug, Clone)]
pub struct ReferenceFiles {
    /// `chr6_esr1.fa.gz`.
    pub fasta: PathBuf,
    /// `chr6_esr1.fa.gz.fai`.
    pub fai: PathBuf,
    /// `chr6_esr1.fa.gz.gzi`.
    pub gzi: PathBuf,
}

/// Writes `dir/chr6_esr1.fa.gz` with its `.fai` and `.gzi`, streaming block by block.
pub fn write_reference(dir: &Path, window: &RefWindow) -> Result<ReferenceFiles, SimulateError> {
    write_reference_on(dir, window, &Assembly::GRCH38)
}

/// [`write_reference`] on `assembly`; `window` must already lie on it ([`RefWindow::lifted`]).
pub fn write_reference_on(
    dir: &Path,
    window: &RefWindow,
    assembly: &Assembly,
) -> Result<ReferenceFiles, SimulateError> {
    let fasta = dir.join("chr6_esr1.fa.gz");
    let fai = dir.join("chr6_esr1.fa.gz.fai");
    let gzi = dir.join("chr6_esr1.fa.gz.gzi");
    let layout = Layout::new(assembly);

    let file = File::create(&fasta).map_err(io_error(&fasta))?;
    let mut out = BufWriter::new(file);
    let mut compressed_pos: u64 = 0;
    let mut gzi_entries: Vec<(u64, u64)> = Vec::new();
    let mut plain_block: Option<Vec<u8>> = None;
    let n_blocks = layout.total.div_ceil(BLOCK_SIZE);
    let mut buf = Vec::with_capacity(BLOCK_SIZE as usize);
    for k in 0..n_blocks {
        if k > 0 {
            gzi_entries.push((compressed_pos, k * BLOCK_SIZE));
        }
        let fresh;
        let block: &[u8] = if layout.is_plain_n_block(window, k) {
            if plain_block.is_none() {
                buf.clear();
                buf.extend(
                    (k * BLOCK_SIZE..(k + 1) * BLOCK_SIZE).map(|o| layout.byte_at(window, o)),
                );
                plain_block = Some(compress_block(&buf).map_err(io_error(&fasta))?);
            }
            plain_block.as_deref().unwrap_or_default()
        } else {
            let hi = ((k + 1) * BLOCK_SIZE).min(layout.total);
            buf.clear();
            buf.extend((k * BLOCK_SIZE..hi).map(|o| layout.byte_at(window, o)));
            fresh = compress_block(&buf).map_err(io_error(&fasta))?;
            &fresh
        };
        out.write_all(block).map_err(io_error(&fasta))?;
        compressed_pos += block.len() as u64;
    }
    let eof = eof_block().map_err(io_error(&fasta))?;
    out.write_all(&eof).map_err(io_error(&fasta))?;
    out.flush().map_err(io_error(&fasta))?;

    let fai_line = format!(
        "{}\t{}\t{}\t{LINE_BASES}\t{LINE_WIDTH}\n",
        assembly.contig,
        layout.len,
        layout.header.len()
    );
    std::fs::write(&fai, fai_line).map_err(io_error(&fai))?;

    let mut gzi_bytes = Vec::with_capacity(8 + 16 * gzi_entries.len());
    gzi_bytes.extend_from_slice(&(gzi_entries.len() as u64).to_le_bytes());
    for (c, u) in &gzi_entries {
        gzi_bytes.extend_from_slice(&c.to_le_bytes());
        gzi_bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&gzi, gzi_bytes).map_err(io_error(&gzi))?;

    Ok(ReferenceFiles { fasta, fai, gzi })
}

#[cfg(test)]
mod tests {
    use super::*;
    use noodles::core::Region;
    use noodles::fasta;

    fn query(path: &Path, region: &str) -> Vec<u8> {
        let mut reader = fasta::io::indexed_reader::Builder::default()
            .build_from_path(path)
            .expect("open indexed FASTA");
        let region: Region = region.parse().expect("region");
        let record = reader.query(&region).expect("query");
        record.sequence().as_ref().to_vec()
    }

    #[test]
    fn simulate_reference_reads_back_through_fai_and_gzi() {
        let model = Esr1Model::builtin();
        let mut rng = Rng::derive(1, "reference");
        let window = build_window(&model, &mut rng).expect("window");
        let dir = tempfile::tempdir().expect("tempdir");
        let files = write_reference(dir.path(), &window).expect("write");

        // The Y537 region: every base equals the mRNA at the mapped position.
        let seq = query(&files.fasta, "chr6:152098780-152098800");
        assert_eq!(seq.len(), 21);
        for (i, &b) in seq.iter().enumerate() {
            let pos = 152_098_780 + i as u64;
            let m = model
                .genomic_to_mrna(Build::Grch38, pos)
                .expect("in exon 8");
            assert_eq!(b, model.mrna[m as usize - 1], "at {pos}");
        }
        assert_eq!(&seq[7..10], b"TAT", "Y537 codon at 152098787-152098789");
        // Every hotspot's reference base is the reference base.
        for h in &model.hotspots {
            assert_eq!(window.base(h.grch38_pos), h.ref_base as u8, "{}", h.name);
            let got = query(&files.fasta, &format!("chr6:{0}-{0}", h.grch38_pos));
            assert_eq!(got, vec![h.ref_base as u8], "{}", h.name);
        }
        // Exon 1 and exon 5 starts are real sequence; N far outside the window.
        let e1 = query(&files.fasta, "chr6:151807682-151807691");
        assert_eq!(e1, model.mrna[0..10].to_vec());
        assert_eq!(query(&files.fasta, "chr6:1000000-1000009"), b"NNNNNNNNNN");
        assert_eq!(query(&files.fasta, "chr6:151650000-151650000"), b"N");
        assert_ne!(query(&files.fasta, "chr6:151650001-151650001"), b"N");
        assert_eq!(query(&files.fasta, "chr6:152140001-152140001"), b"N");
        let tail = query(&files.fasta, "chr6:170805970-170805979");
        assert_eq!(tail, b"NNNNNNNNNN");
        // The window sequence is ~40 % GC.
        let gc = (window.start()..=window.end())
            .filter(|&p| matches!(window.base(p), b'G' | b'C'))
            .count() as f64
            / (window.end() - window.start() + 1) as f64;
        assert!((0.37..0.43).contains(&gc), "GC {gc}");
        // The fai is what samtools faidx writes.
        let fai = std::fs::read_to_string(&files.fai).expect("fai");
        assert_eq!(fai, "chr6\t170805979\t6\t60\t61\n");
        // The gzi parses and every entry points at a block start.
        let index = bgzf::gzi::fs::read(&files.gzi).expect("gzi");
        assert!(index.as_ref().len() > 2000);
    }
}
