//! Contig names: the names one chromosome goes by in the common naming schemes (`chr6`, `6`,
//! `NC_000006.12`), and finding a contig among names written in another scheme.

/// Contig names that mean the same chromosome in the common naming schemes.
pub fn contig_aliases(name: &str) -> Vec<String> {
    let bare = name.strip_prefix("chr").unwrap_or(name);
    let mut v = vec![name.to_owned(), bare.to_owned(), format!("chr{bare}")];
    if bare == "6" {
        v.push("NC_000006.12".into());
        v.push("NC_000006.11".into());
    }
    if name.starts_with("NC_000006") {
        v.extend(["chr6".to_owned(), "6".to_owned()]);
    }
    v.dedup();
    v
}

/// The index of the first of `names` that is `contig` or one of its aliases.
pub fn find_contig<'a>(contig: &str, names: impl IntoIterator<Item = &'a [u8]>) -> Option<usize> {
    let aliases = contig_aliases(contig);
    names
        .into_iter()
        .position(|name| aliases.iter().any(|a| a.as_bytes() == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromosome_six_is_found_under_any_of_its_names() {
        let names: [&[u8]; 3] = [b"chr1", b"NC_000006.12", b"6"];
        assert_eq!(find_contig("chr6", names), Some(1));
        assert_eq!(find_contig("6", [b"chr6".as_slice()]), Some(0));
        assert_eq!(find_contig("chr7", names), None);
    }
}
