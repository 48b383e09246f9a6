//! Rendered manifests: one YAML stream per environment, hooks included, documents sorted,
//! the same bytes on every run.

mod support;

use std::fs;

use chart_release::render::{render_environments, RenderRequest};
use support::{sdk, write_chart};
use tempfile::TempDir;

#[test]
fn renders_defaults_and_each_environment_with_hooks() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_chart(tmp.path());
    let render = |out: &str| {
        let request =
            RenderRequest { chart: &chart, out_dir: &tmp.path().join(out), release: "demo", namespace: "apps" };
        render_environments(&sdk, &request).unwrap()
    };
    let written = render("first");
    let names: Vec<_> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["default.yaml", "prod.yaml"]);

    let default = fs::read_to_string(&written[0]).unwrap();
    let prod = fs::read_to_string(&written[1]).unwrap();
    assert!(default.contains("greeting: \"hello\""), "{default}");
    assert!(prod.contains("greeting: \"hello from prod\""), "{prod}");
    // Sorted by kind: the ConfigMap before the hook Job, whatever the template names.
    let configmap = default.find("kind: ConfigMap").unwrap();
    let job = default.find("kind: Job").expect("hooks are rendered too");
    assert!(configmap < job, "{default}");
    assert!(default.starts_with("---\n# Source: demo/templates/configmap.yaml\n"), "{default}");
    assert!(!default.contains("_helpers.tpl"), "{default}");

    let again = render("second");
    assert_eq!(fs::read(&written[1]).unwrap(), fs::read(&again[1]).unwrap(), "rendering must be deterministic");
}

#[test]
fn renders_with_the_release_name_and_namespace_and_names_the_values_in_errors() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_chart(tmp.path());
    support::write(
        &chart.join("templates/where.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-where\n  namespace: {{ .Release.Namespace }}\n",
    );
    let request = RenderRequest { chart: &chart, out_dir: &tmp.path().join("out"), release: "shop", namespace: "apps" };
    let written = render_environments(&sdk, &request).unwrap();
    let default = fs::read_to_string(&written[0]).unwrap();
    assert!(default.contains("  name: shop-where\n  namespace: apps\n"), "{default}");

    // A failing render names the chart and the values it was given.
    support::write(&chart.join("templates/where.yaml"), "{{ fail \"no\" }}\n");
    let error = render_environments(&sdk, &request).unwrap_err().to_string();
    let expected = format!("rendering {} with its default values: ", chart.display());
    assert!(error.starts_with(&expected), "{error}");
    support::write(
        &chart.join("templates/where.yaml"),
        "{{ if eq .Values.greeting \"hello from prod\" }}{{ fail \"no\" }}{{ end }}\n",
    );
    let error = render_environments(&sdk, &request).unwrap_err().to_string();
    let expected = format!("rendering {} with {}: ", chart.display(), chart.join("values-prod.yaml").display());
    assert!(error.starts_with(&expected), "{error}");
}
