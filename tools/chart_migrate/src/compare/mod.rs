//! `compare`: two charts rendered by the real Helm as the same release, their objects paired
//! by kind and name, every differing field reported as a path and grouped by intent.
//!
//! render (crate::render) -> pair -> strip noise -> diff -> group -> report.

pub mod diff;
pub mod group;
pub mod noise;
pub mod pair;
pub mod report;

use std::collections::BTreeMap;

use crate::error::MigrateError;
use crate::path::FieldPath;
use crate::render::{Release, RenderedChart};
use diff::Change;
use group::Group;
use noise::Noise;
use pair::{Naming, ObjectKey, Rename};

#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// Keep the documented noise (chart labels, checksum annotations).
    pub strict: bool,
    pub renames: Vec<Rename>,
}

/// One side of the comparison, as the report names it.
#[derive(Clone, Debug)]
pub struct ChartSide {
    pub name: String,
    pub version: String,
    pub objects: usize,
}

/// A field of a paired object that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub object: ObjectKey,
    pub path: FieldPath,
    pub change: Change,
}

#[derive(Debug)]
pub struct Comparison {
    pub manual: ChartSide,
    pub generated: ChartSide,
    pub release: Release,
    pub strict: bool,
    /// Noise removed from both sides, by kind (empty with `strict`).
    pub noise: BTreeMap<Noise, usize>,
    pub renamed: Vec<(ObjectKey, ObjectKey)>,
    pub paired: usize,
    /// Paired objects with at least one difference.
    pub differing: usize,
    pub only_manual: Vec<ObjectKey>,
    pub only_generated: Vec<ObjectKey>,
    pub groups: BTreeMap<Group, Vec<Finding>>,
}

impl Comparison {
    pub fn is_equivalent(&self) -> bool {
        self.only_manual.is_empty() && self.only_generated.is_empty() && self.groups.is_empty()
    }

    pub fn field_count(&self) -> usize {
        self.groups.values().map(Vec::len).sum()
    }
}

pub fn compare(
    manual: &RenderedChart,
    generated: &RenderedChart,
    release: &Release,
    options: &CompareOptions,
) -> Result<Comparison, MigrateError> {
    let naming = Naming {
        release: &release.name,
        manual_chart: &manual.metadata.name,
        generated_chart: &generated.metadata.name,
    };
    let pairing = pair::pair(&manual.objects, &generated.objects, &naming, &options.renames)?;
    let mut noise = BTreeMap::new();
    let mut groups: BTreeMap<Group, Vec<Finding>> = BTreeMap::new();
    let mut differing = 0;
    for (key, manual_object, generated_object) in &pairing.both {
        let (mut manual_body, mut generated_body) = (manual_object.body.clone(), generated_object.body.clone());
        if !options.strict {
            noise::strip(&mut manual_body, &mut noise);
            noise::strip(&mut generated_body, &mut noise);
        }
        let differences = diff::diff(&manual_body, &generated_body);
        if !differences.is_empty() {
            differing += 1;
        }
        for difference in differences {
            groups.entry(group::classify(&key.kind, &difference.path)).or_default().push(Finding {
                object: key.clone(),
                path: difference.path,
                change: difference.change,
            });
        }
    }
    let side = |chart: &RenderedChart| ChartSide {
        name: chart.metadata.name.clone(),
        version: chart.metadata.version.clone(),
        objects: chart.objects.len(),
    };
    Ok(Comparison {
        manual: side(manual),
        generated: side(generated),
        release: release.clone(),
        strict: options.strict,
        noise,
        renamed: pairing.renamed,
        paired: pairing.both.len(),
        differing,
        only_manual: pairing.only_manual,
        only_generated: pairing.only_generated,
        groups,
    })
}
