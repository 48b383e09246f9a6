
/// Opens a sparse index where the running cargo keeps it. Cargo 1.85 changed the hash in
/// `$CARGO_HOME/registry/index/<name>-<hash>`, so the hash kind follows the cargo version
/// instead of the crates-index default. (Appended to crate_universe's src/splicing.rs by
/// tools/bazel.)
fn sparse_index_from_url(cargo: &Cargo, url: &str) -> Result<crates_index::SparseIndex> {
    let version = cargo.full_version()?;
    let minor = version
        .split(' ')
        .nth(1)
        .and_then(|v| v.split('.').nth(1))
        .and_then(|m| m.parse::<u32>().ok())
        .ok_or_else(|| anyhow!("cannot parse cargo version {version:?}"))?;
    let kind = if minor >= 85 { crates_index::HashKind::Stable } else { crates_index::HashKind::Legacy };
    Ok(crates_index::SparseIndex::from_url_with_hash_kind(url, &kind)?)
}
