//! Why a cohort VCF could not be written, and the checks of the input against the rules
//! documented on `CohortVcf` and its parts.

/// Why a cohort VCF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum VcfError {
    /// A field of the input breaks the rules documented on it.
    #[error("invalid {field} {value:?}: {reason}")]
    Invalid {
        /// Which field, e.g. `sample name` or `variant 152098788 ref allele`.
        field: String,
        /// The offending value.
        value: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// noodles refused to build a header record (should not happen with checked input).
    #[error("cannot build the VCF header: {0}")]
    Header(String),
    /// The tabix index could not be built.
    #[error("cannot index the VCF: {0}")]
    Index(String),
    /// Writing failed (encoding, compression or the file system).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub fn invalid(field: impl Into<String>, value: impl ToString, reason: &'static str) -> VcfError {
    VcfError::Invalid {
        field: field.into(),
        value: value.to_string(),
        reason,
    }
}

pub fn check_header_text(field: &str, value: &str) -> Result<(), VcfError> {
    if value.chars().any(|c| c.is_control()) {
        return Err(invalid(field, value, "must be on one line"));
    }
    Ok(())
}

/// VCF 4.3 § 1.4.7 contig names: `[0-9A-Za-z!#$%&+./;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*`.
pub fn check_contig_name(name: &str) -> Result<(), VcfError> {
    let ok = |c: char, first: bool| {
        c.is_ascii_alphanumeric() || "!#$%&+./;?@^_|~-".contains(c) || (!first && "*:=".contains(c))
    };
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if ok(c, true) && chars.all(|c| ok(c, false)) => Ok(()),
        _ => Err(invalid(
            "chromosome",
            name,
            "is not a valid VCF contig name",
        )),
    }
}

pub fn check_filter_name(name: &str) -> Result<(), VcfError> {
    if name.is_empty()
        || name == "PASS"
        || name == "0"
        || name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ";,:=%\"<>".contains(c))
    {
        return Err(invalid(
            "filter name",
            name,
            "must be non-empty, not PASS or 0, without whitespace or ;,:=%\"<>",
        ));
    }
    Ok(())
}

pub fn check_allele(pos: u64, which: &str, allele: &str) -> Result<String, VcfError> {
    if allele.is_empty()
        || !allele
            .bytes()
            .all(|b| b"ACGTN".contains(&b.to_ascii_uppercase()))
    {
        return Err(invalid(
            format!("variant {pos} {which} allele"),
            allele,
            "must be one or more of A, C, G, T, N",
        ));
    }
    Ok(allele.to_ascii_uppercase())
}

pub fn vcf_integer(field: impl Fn() -> String, n: u32) -> Result<i32, VcfError> {
    i32::try_from(n).map_err(|_| invalid(field(), n, "is larger than a VCF Integer"))
}
