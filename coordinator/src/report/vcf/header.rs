//! The VCF header of a cohort: contig, source and reference, INFO, FILTER and FORMAT
//! definitions, and the sample columns.

use crate::report::vcf::check::{
    check_contig_name, check_filter_name, check_header_text, invalid, VcfError,
};
use crate::report::vcf::fields::{
    FORMAT_FIELDS, INFO_FIELDS, KNOWN_FILTERS, OTHER_FILTER_DESCRIPTION,
};
use crate::report::vcf::model::CohortVcf;
use noodles::vcf;
use noodles::vcf::header::record::value::{
    map::{info, Contig, Filter, Format, Info},
    Map,
};
use std::collections::HashSet;

pub fn build_header(v: &CohortVcf) -> Result<vcf::Header, VcfError> {
    check_contig_name(&v.chrom)?;
    for (field, value) in [
        ("build", &v.build),
        ("reference URI", &v.reference_uri),
        ("source", &v.source),
    ] {
        check_header_text(field, value)?;
    }
    let length = usize::try_from(v.chrom_length)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| invalid("chromosome length", v.chrom_length, "must be 1 or more"))?;
    let mut contig = Map::<Contig>::builder().set_length(length);
    if !v.build.is_empty() {
        let assembly = "assembly"
            .parse()
            .map_err(|_| invalid("header tag", "assembly", "is a standard tag"))?;
        contig = contig.insert(assembly, v.build.clone());
    }
    let contig = contig
        .build()
        .map_err(|e| VcfError::Header(format!("contig: {e}")))?;

    let mut builder = vcf::Header::builder()
        .set_file_format(vcf::header::FileFormat::new(4, 3))
        .add_contig(v.chrom.clone(), contig);
    if let Some(date) = &v.file_date {
        check_header_text("file date", date)?;
        builder = add_text(builder, "fileDate", date)?;
    }
    builder = add_text(builder, "source", &v.source)?;
    builder = add_text(builder, "reference", &v.reference_uri)?;

    for &(id, ty, description) in INFO_FIELDS {
        let info = Map::<Info>::new(info::Number::Count(1), ty, description);
        builder = builder.add_info(id, info);
    }

    builder = builder.add_filter("PASS", Map::<Filter>::pass());
    let mut seen = HashSet::new();
    let used = v.variants.iter().flat_map(|variant| {
        variant
            .filters
            .iter()
            .chain(variant.genotypes.iter().flat_map(|g| g.filters.iter()))
    });
    let names = KNOWN_FILTERS.iter().map(|(name, _)| *name);
    for name in names.chain(used.map(String::as_str)) {
        if seen.insert(name) {
            check_filter_name(name)?;
            let description = KNOWN_FILTERS
                .iter()
                .find(|(known, _)| *known == name)
                .map_or(OTHER_FILTER_DESCRIPTION, |(_, d)| *d);
            builder = builder.add_filter(name, Map::<Filter>::new(description));
        }
    }

    for &(id, number, ty, description) in FORMAT_FIELDS {
        builder = builder.add_format(id, Map::<Format>::new(number, ty, description));
    }

    let mut names = HashSet::new();
    for sample in &v.samples {
        if sample.is_empty() || sample.chars().any(|c| c.is_control()) {
            return Err(invalid(
                "sample name",
                sample,
                "must be non-empty text on one line",
            ));
        }
        if !names.insert(sample.as_str()) {
            return Err(invalid("sample name", sample, "appears twice"));
        }
        builder = builder.add_sample_name(sample.clone());
    }
    Ok(builder.build())
}

fn add_text(
    builder: vcf::header::Builder,
    key: &str,
    value: &str,
) -> Result<vcf::header::Builder, VcfError> {
    let key = key
        .parse()
        .map_err(|_| invalid("header key", key, "is not an other-record key"))?;
    builder
        .insert(key, vcf::header::record::Value::from(value))
        .map_err(|e| VcfError::Header(format!("{value:?}: {e}")))
}
