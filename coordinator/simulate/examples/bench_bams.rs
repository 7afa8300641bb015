//! Writes the pileup benchmark's inputs (see `esr1_simulate::bench`) and prints one line per
//! BAM: `name bam samplesheet region records`, then `reference PATH`.
//!
//!     cargo run --release -p esr1-simulate --example bench_bams -- OUT [DEEP_DEPTH]

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: bench_bams OUT [DEEP_DEPTH]");
        std::process::exit(2);
    };
    let depth = args.next().and_then(|d| d.parse().ok()).unwrap_or(20_000);
    match esr1_simulate::bench::write_pileup_bench(std::path::Path::new(&out), 1, depth) {
        Ok((reference, bams)) => {
            for b in bams {
                println!(
                    "{} {} {} {} {}",
                    b.name,
                    b.bam.display(),
                    b.samplesheet.display(),
                    b.region,
                    b.stats.records
                );
            }
            println!("reference {}", reference.display());
        }
        Err(e) => {
            eprintln!("bench_bams: {e}");
            std::process::exit(1);
        }
    }
}
