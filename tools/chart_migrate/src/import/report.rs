//! The import report: which app came from which objects, one line per field the
//! declarations do not reproduce, and the compare flags that pair the two charts.

use std::fmt::Write;

use super::Imported;

pub fn render(imported: &Imported) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Imported the chart {} {}, rendered as release {:?} in namespace {:?}: {} objects, {} apps.",
        imported.chart.chart_name,
        imported.chart_version,
        imported.release.name,
        imported.release.namespace,
        imported.objects,
        imported.apps.len()
    );
    let _ = writeln!(out, "\nApps:");
    for app in &imported.apps {
        let _ = writeln!(out, "  {}: {} from {}", app.name, app.app_type, app.sources.join(", "));
    }
    if imported.chart.per_app_ingress {
        let _ = writeln!(out, "  (ingress_mode per-app: each Ingress of the chart routes to one app)");
    }
    let _ = writeln!(
        out,
        "\nNot reproduced (one line per field or object; the generated chart differs here unless you act): {}",
        imported.notes.len()
    );
    for note in &imported.notes {
        let _ = writeln!(out, "  {note}");
    }
    if !imported.renames.is_empty() {
        let _ = writeln!(out, "\nCompare the two charts with:");
        let flags: Vec<String> = imported.renames.iter().map(|r| format!("--rename {r}")).collect();
        let _ = writeln!(out, "  {}", flags.join(" "));
    }
    out
}
